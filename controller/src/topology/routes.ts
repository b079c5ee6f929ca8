import { Hono } from "hono";
import type { PackedSnapshot } from "../store/index";
import type { ApiDeps } from "../http/deps";
import { query } from "../http/errors";
import { nodeStatus } from "../nodes/status";
import { buildTopology } from "./graph";
import { topologyQuery } from "./schemas";

/** `/topology`: the mesh now, or at `?at=`, as a NetJSON NetworkGraph. */
export function topologyRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  app.get("/topology", async (c) => {
    const { at } = query(c, topologyQuery);
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
