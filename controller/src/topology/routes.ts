import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { PackedSnapshot } from "../store/index";
import type { ApiDeps } from "../http/deps";
import { error, json, valid } from "../http/openapi";
import { nodeStatus } from "../nodes/status";
import { buildTopology } from "./graph";
import { netjsonGraph, topologyQuery } from "./schemas";

/** `/topology`: the mesh now, or at `?at=`, as a NetJSON NetworkGraph. */
export function topologyRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  const doc = describeRoute({
    summary: "The mesh as a NetJSON NetworkGraph: fleet nodes, mesh peerings and routing adjacencies with their metrics (?at=: the topology at that time, ms since the epoch)",
    responses: { 200: json("graph", netjsonGraph), 400: error("invalid parameters") },
  });
  app.get("/topology", doc, valid("query", topologyQuery), async (c) => {
    const { at } = c.req.valid("query");
    const now = d.clock.now();
    const missed = d.offlineAfterIntervals ?? 3;
    const states = new Map((await d.store.telemetry.states()).map((s) => [s.nodeId, s]));
    const nodes = [];
    for (const n of await d.store.nodes.list()) {
      const st = states.get(n.id) ?? null;
      let data: PackedSnapshot | null = null;
      let status = nodeStatus(st, now, missed);
      if (at === undefined) {
        if (st && status === "online") data = (await d.store.telemetry.rawById(st.rawId))?.data ?? null;
      } else {
        const row = await d.store.telemetry.at(n.id, at);
        const fresh = row !== null && at - row.ts <= missed * (st?.intervalMs ?? n.intervalMs ?? 10_000);
        data = fresh ? row.data : null;
        status = row === null ? "unknown" : fresh ? "online" : "offline";
      }
      nodes.push({ id: n.id, status, model: n.model, data });
    }
    return c.json(buildTopology({ timestamp: at ?? now, nodes, macToNode: await d.store.nodes.macMap(), addressToNode: await d.store.nodes.addressMap(), ...(at === undefined && d.linkHealth ? { linkHealth: d.linkHealth() } : {}) }));
  });
  return app;
}
