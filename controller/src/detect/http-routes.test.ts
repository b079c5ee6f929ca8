import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { FakeClock, openStore, type Store } from "../store/index";
import { DetectionService } from "./service";
import { neighbor, route, snap } from "../../testing/detect";
import { createApi } from "../api/app";
import { eventsAlertsRoutes } from "./http-routes";

const T0 = 1_700_000_000_000;

describe("events and alerts API", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let svc: DetectionService;
  const clock = new FakeClock(T0);
  const get = async (path: string) => {
    const app = createApi({ store, clock, log: silentLogger, registry: new Registry(), routes: [eventsAlertsRoutes(svc)], openAlertCounts: () => svc.alerts.openCounts() });
    const res = await app.request(path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { events: { code: string; node: string; ts: number }[]; alerts: { id: string; code: string; node: string }[] } };
  };

  beforeEach(async () => {
    dir = tempDir("mf-api-detect-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    svc = new DetectionService({ store, clock, log: silentLogger, config: { churn: { openAbove: 1500 }, convergence: { quietMs: 10_000 } } });
    await svc.load();
    const s = (node: string, seq: number, via: string) => ({ kind: "snapshot" as const, msg: snap({ node, seq, ts: T0 + seq * 10_000, routes: [route("::/0", via)], neighbors: [neighbor(via, "eth0")] }) });
    for (let seq = 1; seq <= 6; seq++) {
      clock.set(T0 + seq * 10_000);
      await svc.handle([s("r1", seq, seq === 2 || seq === 3 ? "fe80::4" : "fe80::2"), s("r2", seq, "fe80::1")]);
    }
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("GET /api/events filters by node, code and time, newest first", async () => {
    const all = await get("/api/events?node=r1");
    expect(all.status).toBe(200);
    expect(all.body.events.map((e) => e.code)).toEqual(["route_nexthop_changed", "neighbor_down", "neighbor_up", "route_nexthop_changed", "neighbor_up", "neighbor_down", "node_online"]);
    const since = await get(`/api/events?node=r1&code=route_nexthop_changed&since=${T0 + 30_000}`);
    expect(since.body.events.map((e) => e.ts - T0)).toEqual([40_000]);
    expect((await get("/api/events?code=node_online&limit=1")).body.events).toHaveLength(1);
    expect((await get("/api/events?node=r2&code=route_added")).body.events).toEqual([]);
  });

  it("GET /api/alerts by state/node/code, /api/alerts/:id with evidence events, /api/convergence, /api/churn", async () => {
    const open = await get("/api/alerts?state=open&node=r1");
    // r1 runs RIP with no firewall counters at all: the lint finding is an alert too.
    expect(open.body.alerts.map((a) => [a.code, a.node])).toEqual([
      ["route_flapping", "r1"],
      ["lint", "r1"],
    ]);
    expect((await get("/api/alerts?state=open&code=node_offline")).body.alerts).toEqual([]);
    const one = await get(`/api/alerts/${open.body.alerts[0]!.id}`);
    expect(one.status).toBe(200);
    expect(one.body.events.map((e) => [e.code, e.ts - T0])).toEqual([
      ["route_nexthop_changed", 20_000],
      ["route_nexthop_changed", 40_000],
    ]);
    expect((await get("/api/alerts/999")).status).toBe(404);
    const conv = await get("/api/convergence");
    const incidents = conv.body.incidents as { durationMs: number; nodes: string[] }[];
    expect(incidents.map((i) => [i.durationMs, i.nodes])).toEqual([[0, ["r1"]], [0, ["r1"]]]);
    const churn = (await get("/api/churn")).body as unknown as { nodes: Record<string, number>; links: Record<string, number> };
    expect(Object.keys(churn.nodes)).toEqual(["r1"]);
  });

  it("rejects bad filters with 400 and a code", async () => {
    const r = await get("/api/alerts?state=maybe");
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("E_VALIDATION");
    expect((await get("/api/events?since=yesterday")).status).toBe(400);
  });
});
