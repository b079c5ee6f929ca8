import { Hono } from "hono";
import type { z } from "zod";
import { views, type NodeRow, type NodeStateRow } from "../store/index";
import type { ApiDeps } from "./deps";
import { notFound, params, query } from "./errors";
import { nodeParams, routesQuery, type lists, type nodeDetail, type nodeSummary } from "./schemas";
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
  // Per-request memoised point lookups: a node view resolves its own few MACs, never the fleet's map.
  const resolvers = () => {
    const memo = new Map<string, string | null>();
    const cached = (k: string, f: (k: string) => string | null) => {
      if (!memo.has(k)) memo.set(k, f(k));
      return memo.get(k)!;
    };
    return {
      mac: (m: string) => cached(`m${m}`, () => d.store.nodes.resolveMac(m)),
      addr: (a: string) => cached(`a${a}`, () => d.store.nodes.resolveAddress(a)),
    };
  };

  app.get("/nodes", (c) => {
    const now = d.clock.now();
    const states = new Map(d.store.telemetry.states().map((s) => [s.nodeId, s]));
    const counts = alerts();
    const skew = skews();
    const sys = (st: NodeStateRow | null) => {
      const raw = st ? d.store.telemetry.rawById(st.rawId) : null;
      return raw ? views.system(raw.data) : null;
    };
    return c.json({
      nodes: d.store.nodes.list().map((n) => {
        const st = states.get(n.id) ?? null;
        return summary(n, st, now, counts.get(n.id) ?? 0, missed, sys(st), skew.get(n.id) ?? null);
      }),
    });
  });

  app.get("/nodes/:id", (c) => {
    const { id } = params(c, nodeParams);
    const n = d.store.nodes.get(id);
    if (!n) throw notFound(`node ${id}`);
    const latest = d.store.telemetry.latest(id);
    const st = latest?.state ?? null;
    const raw = latest?.raw ?? null;
    const r = resolvers();
    const body: z.infer<typeof nodeDetail> = {
      ...summary(n, st, d.clock.now(), alerts().get(id) ?? 0, missed, raw ? views.system(raw.data) : null, skews().get(id) ?? null),
      firstSeen: n.firstSeen,
      hostname: n.hostname,
      mode: n.mode,
      capabilities: n.capabilities,
      tags: n.tags,
      macs: d.store.nodes.macsOf(id),
      linkLocal: d.store.nodes.addressesOf(id),
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
    };
    return c.json(body);
  });

  const list = (name: keyof typeof lists) =>
    app.get(`/nodes/:id/${name}`, (c) => {
      const { id } = params(c, nodeParams);
      const all = name === "routes" && ["1", "true"].includes(query(c, routesQuery).all ?? "0");
      if (!d.store.nodes.get(id)) throw notFound(`node ${id}`);
      const latest = d.store.telemetry.latest(id);
      const raw = latest?.raw ?? null;
      if (!raw) return c.json({ node: id, ts: null, items: [] });
      const r = resolvers();
      const items =
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
                  : views.counters(raw.data);
      return c.json({ node: id, ts: raw.ts, items });
    });
  for (const name of ["stations", "mesh-paths", "neighbors", "routes", "counters", "radios"] as const) list(name);
  return app;
}
