import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { registerFleetMetrics } from "../metrics/fleet";
import { writeBatch } from "../ingest/writer";
import { buildHello, buildSnapshot } from "../../testing";
import { createApi } from "./app";

const T0 = 1_800_000_000_000;
const MAC_A = "02:00:00:00:0a:01";
const MAC_B = "02:00:00:00:0b:01";
const MAC_C = "02:00:00:00:0c:01";

describe("API (in-process)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let clock: FakeClock;
  let app: ReturnType<typeof createApi>;
  let alerts = new Map<string, number>();
  const get = async (path: string) => {
    const r = await app.request(path);
    return { status: r.status, body: (r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text()) as any };
  };

  beforeEach(async () => {
    dir = tempDir("mf-api-");
    clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    const registry = new Registry();
    registerFleetMetrics(registry, store, clock);
    alerts = new Map([["ap-a", 2]]);
    app = createApi({ store, clock, log: silentLogger, registry, openAlertCounts: () => alerts });
    // ap-a and ap-b are mesh peers of each other and Babel neighbours; ap-c only says hello.
    await writeBatch(
      store,
      [
        { kind: "hello", msg: buildHello({ node: "ap-a", ts: T0, macs: [MAC_A], linkLocal: ["fe80::a"] }) },
        { kind: "hello", msg: buildHello({ node: "ap-b", ts: T0, macs: [MAC_B], linkLocal: ["fe80::b"] }) },
        { kind: "hello", msg: buildHello({ node: "ap-c", ts: T0, macs: [MAC_C] }) },
      ],
      T0,
    );
    const snap = (node: string, peer: string, seq: number, ts: number) => {
      const s = buildSnapshot({ node, seq, ts, peers: [peer], paths: [[peer, peer], [MAC_C, peer]], profile: { stations: 2, neighbors: 0 } });
      s.routing.data!.neighbors = [{ protocol: "babel1", kind: "babel", address: peer === MAC_B ? "fe80::b" : "fe80::a", iface: "mesh0", metric: 96, routes: 2, seenSec: null, helloSec: 4, expiresSec: 5, rttMs: null, rxcost: 96, txcost: 96, reach: "ffff", auth: null }];
      return s;
    };
    await writeBatch(store, [{ kind: "snapshot", msg: snap("ap-a", MAC_B, 1, T0 - 10_000) }, { kind: "snapshot", msg: snap("ap-b", MAC_A, 1, T0 - 10_000) }], T0 - 10_000);
    await writeBatch(store, [{ kind: "snapshot", msg: snap("ap-a", MAC_B, 2, T0) }, { kind: "snapshot", msg: snap("ap-b", MAC_A, 2, T0) }], T0);
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("lists nodes with status, counts and open alerts; offline after 3 missed intervals", async () => {
    const r = await get("/api/nodes");
    expect(r.status).toBe(200);
    expect(r.body.nodes.map((n: any) => [n.id, n.status, n.stations, n.peers, n.neighbors, n.openAlerts])).toEqual([
      ["ap-a", "online", 2, 1, 1, 2],
      ["ap-b", "online", 2, 1, 1, 0],
      ["ap-c", "unknown", 0, 0, 0, 0],
    ]);
    expect(r.body.nodes[0]).toMatchObject({ model: "GL.iNet GL-MT6000", release: "OpenWrt 23.05.3", agentVersion: "0.1.0", lastSeen: T0, lastSnapshotTs: T0 });
    clock.set(T0 + 30_000);
    expect((await get("/api/nodes")).body.nodes[0].status).toBe("online");
    clock.set(T0 + 30_001);
    expect((await get("/api/nodes")).body.nodes[0].status).toBe("offline");
  });

  it("serves a node's latest snapshot normalised, with MACs resolved to fleet nodes", async () => {
    const r = await get("/api/nodes/ap-a");
    expect(r.status).toBe(200);
    expect(r.body.latest.seq).toBe(2);
    expect(r.body.macs).toEqual([{ mac: MAC_A, iface: "mesh0" }]);
    expect(r.body.latest.stations[0]).toMatchObject({ mac: MAC_B, node: "ap-b", meshPlink: "ESTAB", signalDbm: -50 });
    expect(r.body.latest.meshPaths.map((p: any) => [p.destNode, p.nextHopNode])).toEqual([["ap-b", "ap-b"], ["ap-c", "ap-b"]]);
    expect(r.body.latest.neighbors[0]).toMatchObject({ address: "fe80::b", node: "ap-b" });
    expect(r.body.latest.system).toMatchObject({ hostname: "ap-a", memTotalKb: 125000 });
    const st = await get("/api/nodes/ap-a/stations");
    expect(st.body).toMatchObject({ node: "ap-a", ts: T0 });
    expect(st.body.items).toHaveLength(2);
    expect((await get("/api/nodes/ap-a/routes")).body.items[0]).toEqual({ prefix: "fd00:0::/64", protocol: "babel1", type: "unicast", primary: true, metric: 96, via: "fe80::1", iface: "mesh0", nextHops: 1, reachable: true });
    expect((await get("/api/nodes/ap-a/counters")).body.items[0]).toMatchObject({ bytes: 2000, bytesPerSec: 100 });
    expect((await get("/api/nodes/ap-a/mesh-paths")).body.items).toHaveLength(2);
    expect((await get("/api/nodes/ap-a/neighbors")).body.items).toHaveLength(1);
    expect((await get("/api/nodes/ap-c/stations")).body).toEqual({ node: "ap-c", ts: null, items: [] });
  });

  it("lists only reachable routes unless ?all=1: a retracted Babel route (metric 65535) is not a current route", async () => {
    const s = buildSnapshot({ node: "ap-b", seq: 3, ts: T0 + 10_000, peers: [MAC_A], paths: [], profile: { routes: 3 } });
    const routes = s.routing.data!.routes;
    routes[1] = { ...routes[1]!, type: "unreachable", metric: 65535, nextHops: [], reachable: false };
    // From an agent that predates the flag: read by the same rule.
    routes[2] = { ...routes[2]!, metric: 65535 };
    await writeBatch(store, [{ kind: "snapshot", msg: s }], T0 + 10_000);
    const prefixes = (items: { prefix: string; reachable: boolean }[]) => items.map((r) => [r.prefix, r.reachable]);
    const current = await get("/api/nodes/ap-b/routes");
    expect(prefixes(current.body.items)).toEqual([[routes[0]!.prefix, true]]);
    expect(prefixes((await get("/api/nodes/ap-b/routes?all=1")).body.items)).toEqual(routes.map((r, i) => [r.prefix, i === 0]));
    expect((await get("/api/nodes/ap-b/routes?all=0")).body.items).toHaveLength(1);
    expect((await get("/api/nodes/ap-b/routes?all=maybe")).status).toBe(400);
    expect((await get("/api/nodes/ap-b")).body.latest.routes.map((r: { prefix: string }) => r.prefix)).toEqual([routes[0]!.prefix]);
    expect((await get("/api/nodes")).body.nodes.find((n: { id: string }) => n.id === "ap-b").routes).toBe(1);
  });

  it("answers errors as JSON {code, message} with the right status", async () => {
    expect(await get("/api/nodes/nope")).toEqual({ status: 404, body: { code: "E_NOT_FOUND", message: "node nope not found" } });
    const bad = await get("/api/nodes/BAD..ID");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("E_VALIDATION");
    expect((await get("/api/history?node=ap-a&metric=nope&key=x")).status).toBe(400);
    expect((await get("/api/history?node=ap-a&metric=signal&key=x&step=5m&from=0&to=1800000000000")).body.code).toBe("E_VALIDATION");
    expect((await get("/api/topology?at=yesterday")).status).toBe(400);
    expect(await get("/api/nowhere")).toEqual({ status: 404, body: { code: "E_NOT_FOUND", message: "no route for GET /api/nowhere" } });
  });

  it("serves history raw and bucketed", async () => {
    const raw = await get(`/api/history?node=ap-a&metric=signal&key=${MAC_B.toUpperCase()}&from=${T0 - 60_000}&to=${T0 + 1}`);
    expect(raw.status).toBe(200);
    expect(raw.body.source).toBe("raw");
    expect(raw.body.points).toEqual([
      { ts: T0 - 10_000, min: -50, avg: -50, max: -50, count: 1 },
      { ts: T0, min: -50, avg: -50, max: -50, count: 1 },
    ]);
    const rate = await get(`/api/history?node=ap-a&metric=counterByteRate&key=${encodeURIComponent("rule:inet:fw4:input_wan:!fw4: rule-1")}&from=${T0 - 60_000}&to=${T0 + 1}&step=1m`);
    expect(rate.body.source).toBe("minute");
    expect(rate.body.points.map((p: any) => p.avg)).toEqual([200]);
  });

  it("serves the topology as NetJSON, now and at a past time", async () => {
    const t = (await get("/api/topology")).body;
    expect(t.type).toBe("NetworkGraph");
    expect(t.nodes.map((n: any) => n.id)).toEqual(["ap-a", "ap-b", "ap-c"]);
    expect(t.links).toEqual([
      {
        source: "ap-a",
        target: "ap-b",
        cost: 100,
        properties: { type: "mesh", costs: { "ap-a>ap-b": 100, "ap-b>ap-a": 100 }, signal: { "ap-a>ap-b": -50, "ap-b>ap-a": -50 }, throughput: { "ap-a>ap-b": 150, "ap-b>ap-a": 150 }, plink: "ESTAB" },
      },
      { source: "ap-a", target: "ap-b", cost: 96, properties: { type: "routing", costs: { "ap-a>ap-b": 96, "ap-b>ap-a": 96 }, protocol: "babel1" } },
    ]);
    // Both reach ap-c through the other: relayed paths, listed apart from the links.
    expect(t.relayedPaths).toEqual([
      { source: "ap-a", destination: "ap-c", via: "ap-b", hops: 2, metric: 210 },
      { source: "ap-b", destination: "ap-c", via: "ap-a", hops: 2, metric: 210 },
    ]);
    clock.set(T0 + 3600_000);
    expect((await get("/api/topology")).body.links).toEqual([]);
    const past = (await get(`/api/topology?at=${T0 - 5000}`)).body;
    expect(past.timestamp).toBe(T0 - 5000);
    expect(past.links).toHaveLength(2);
    expect((await get(`/api/topology?at=${T0 - 50_000}`)).body.links).toEqual([]);
  });

  it("names the fleet's MACs and link-local addresses by node", async () => {
    const { status, body } = await get("/api/names");
    expect(status).toBe(200);
    expect(body).toEqual({ macs: { [MAC_A]: "ap-a", [MAC_B]: "ap-b", [MAC_C]: "ap-c" }, addresses: { "fe80::a": "ap-a", "fe80::b": "ap-b" } });
  });

  it("reports health, Prometheus metrics and the OpenAPI document", async () => {
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok", checks: { store: { ok: true } } } });
    const m = await get("/metrics");
    expect(m.body).toContain('meshfleet_nodes{status="online"} 2');
    expect(m.body).toContain('meshfleet_nodes{status="unknown"} 1');
    expect(m.body).toContain(`meshfleet_station_signal_dbm{iface="mesh0",mac="${MAC_B}",node="ap-a"} -50`);
    expect(m.body).toContain('meshfleet_link_signal_dbm{iface="mesh0",node="ap-a",peer="ap-b"} -50');
    expect(m.body).toContain('meshfleet_link_signal_dbm{iface="mesh0",node="ap-b",peer="ap-a"} -50');
    expect(m.body).toContain('meshfleet_node_mesh_peers{node="ap-a"} 1');
    const doc = (await get("/api/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/nodes", "/api/nodes/{id}", "/api/nodes/{id}/stations", "/api/history", "/api/topology", "/healthz", "/metrics"]));
    expect(doc.paths["/api/nodes"].get.responses[200].content["application/json"].schema.properties.nodes.items.required).toContain("openAlerts");
    store.close();
    const h = await get("/healthz");
    expect(h.status).toBe(503);
    expect(h.body.status).toBe("unhealthy");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
  });
});
