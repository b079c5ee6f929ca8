import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { views, type NodeRow, type NodeStateRow } from "../store/index";
import type { ApiDeps } from "../http/deps";
import { notFound } from "../http/errors";
import { error, json, valid } from "../http/openapi";
import { listOf, lists, namesAnswer, nodeDetail, nodeParams, nodeSummary, routesQuery } from "./schemas";
import { nodeStatus } from "./status";

type Summary = z.infer<typeof nodeSummary>;

type System = ReturnType<typeof views.system>;

function summary(n: NodeRow, st: NodeStateRow | null, now: number, alerts: number, missed: number, sys: System = null, skewMs: number | null = null): Summary {
  return {
    id: n.id,
    status: nodeStatus(st, now, missed),
    lastSeen: n.lastSeen,
    lastSnapshotTs: st?.ts ?? null,
    model: n.model,
    boardName: n.boardName,
    release: n.release,
    agentVersion: n.agentVersion,
    protocolVersion: n.protocolVersion,
    intervalMs: st?.intervalMs ?? n.intervalMs,
    stations: st?.stations ?? 0,
    peers: st?.peers ?? 0,
    neighbors: st?.neighbors ?? 0,
    meshPaths: st?.meshPaths ?? 0,
    routes: st?.routes ?? 0,
    errors: st?.errors ?? 0,
    openAlerts: alerts,
    system: sys ? { uptimeSec: sys.uptimeSec, load1: sys.load1, memFreeKb: sys.memFreeKb, memTotalKb: sys.memTotalKb } : null,
    bootedAt: st && sys?.uptimeSec != null ? Math.round(st.ts - sys.uptimeSec * 1000) : null,
    clockSkewMs: skewMs === null ? null : Math.round(skewMs),
  };
}

/** `/nodes`, `/nodes/:id` and the node's current lists. */
export function nodesRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  const missed = d.offlineAfterIntervals ?? 3;
  const alerts = () => d.openAlertCounts?.() ?? new Map<string, number>();
  const skews = () => d.ingest?.clockSkews?.() ?? new Map<string, number>();
  // Per-request point lookups: a node view resolves its own few MACs, never the fleet's map.
  // The views run twice: once to learn which names they ask for, then with the answers.
  const resolving = async <T>(build: (r: { mac: (m: string) => string | null; addr: (a: string) => string | null }) => T): Promise<T> => {
    const macs = new Map<string, string | null>();
    const addrs = new Map<string, string | null>();
    build({ mac: (m) => (macs.set(m, null), null), addr: (a) => (addrs.set(a, null), null) });
    for (const m of macs.keys()) macs.set(m, await d.store.nodes.resolveMac(m));
    for (const a of addrs.keys()) addrs.set(a, await d.store.nodes.resolveAddress(a));
    return build({ mac: (m) => macs.get(m) ?? null, addr: (a) => addrs.get(a) ?? null });
  };

  app.get("/nodes", describeRoute({ summary: "Every node with its status and current counts", responses: { 200: json("nodes", z.object({ nodes: z.array(nodeSummary) })) } }), async (c) => {
    const now = d.clock.now();
    const states = new Map((await d.store.telemetry.states()).map((s) => [s.nodeId, s]));
    const counts = alerts();
    const skew = skews();
    const sys = async (st: NodeStateRow | null) => {
      const raw = st ? await d.store.telemetry.rawById(st.rawId) : null;
      return raw ? views.system(raw.data) : null;
    };
    const nodes = [];
    for (const n of await d.store.nodes.list()) {
      const st = states.get(n.id) ?? null;
      nodes.push(summary(n, st, now, counts.get(n.id) ?? 0, missed, await sys(st), skew.get(n.id) ?? null));
    }
    return c.json({ nodes });
  });

  const byId = describeRoute({ summary: "One node and its latest snapshot, normalised", responses: { 200: json("node", nodeDetail), 400: error("invalid node id"), 404: error("unknown node") } });
  app.get("/nodes/:id", byId, valid("param", nodeParams), async (c) => {
    const { id } = c.req.valid("param");
    const n = await d.store.nodes.get(id);
    if (!n) throw notFound(`node ${id}`);
    const latest = await d.store.telemetry.latest(id);
    const st = latest?.state ?? null;
    const raw = latest?.raw ?? null;
    const [macs, linkLocal] = [await d.store.nodes.macsOf(id), await d.store.nodes.addressesOf(id)];
    const body: z.infer<typeof nodeDetail> = await resolving((r) => ({
      ...summary(n, st, d.clock.now(), alerts().get(id) ?? 0, missed, raw ? views.system(raw.data) : null, skews().get(id) ?? null),
      firstSeen: n.firstSeen,
      hostname: n.hostname,
      mode: n.mode,
      capabilities: n.capabilities,
      tags: n.tags,
      macs,
      linkLocal,
      droppedTotal: st?.droppedTotal ?? 0,
      latest:
        st && raw
          ? {
              ts: st.ts,
              receivedAt: st.receivedAt,
              boot: st.boot,
              seq: st.seq,
              system: views.system(raw.data),
              interfaces: views.interfaces(raw.data),
              errors: views.errors(raw.data),
              stations: views.stations(raw.data, r.mac),
              meshPaths: views.meshPaths(raw.data, r.mac),
              neighbors: views.neighbors(raw.data, r.addr),
              routes: views.routes(raw.data).filter((x) => x.reachable),
              counters: views.counters(raw.data),
              radios: views.radios(raw.data),
            }
          : null,
    }));
    return c.json(body);
  });

  const list = (name: keyof typeof lists) => {
    const doc = describeRoute({
      summary: `The node's current ${name} (from its latest snapshot), fleet nodes resolved from MACs/addresses`,
      responses: { 200: json(name, listOf(lists[name])), 400: error(name === "routes" ? "invalid node id or parameters" : "invalid node id"), 404: error("unknown node") },
    });
    // Only the routes list takes a query (`all`); the other lists ignore theirs.
    const q = valid("query", name === "routes" ? routesQuery : z.object({}));
    app.get(`/nodes/:id/${name}`, doc, valid("param", nodeParams), q, async (c) => {
      const { id } = c.req.valid("param");
      const all = name === "routes" && ["1", "true"].includes((c.req.valid("query") as z.infer<typeof routesQuery>).all ?? "0");
      if (!(await d.store.nodes.get(id))) throw notFound(`node ${id}`);
      const latest = await d.store.telemetry.latest(id);
      const raw = latest?.raw ?? null;
      if (!raw) return c.json({ node: id, ts: null, items: [] });
      const items = await resolving((r) =>
        name === "stations"
          ? views.stations(raw.data, r.mac)
          : name === "mesh-paths"
            ? views.meshPaths(raw.data, r.mac)
            : name === "neighbors"
              ? views.neighbors(raw.data, r.addr)
              : name === "routes"
                ? views.routes(raw.data).filter((x) => all || x.reachable)
                : name === "radios"
                  ? views.radios(raw.data)
                  : views.counters(raw.data),
      );
      return c.json({ node: id, ts: raw.ts, items });
    });
  };
  for (const name of ["stations", "mesh-paths", "neighbors", "routes", "counters", "radios"] as const) list(name);

  // What the fleet can name: every MAC and link-local address a node announced, by node id.
  const names = describeRoute({ summary: "What the fleet can name: every MAC and link-local address its nodes announced, by node id", responses: { 200: json("names", namesAnswer) } });
  app.get("/names", names, async (c) =>
    c.json({ macs: Object.fromEntries([...(await d.store.nodes.macMap())].sort()), addresses: Object.fromEntries([...(await d.store.nodes.addressMap())].sort()) }),
  );

  return app;
}
