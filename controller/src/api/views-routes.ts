import { Hono } from "hono";
import { HISTORY_METRICS, HOUR_MS, MAC_KEYED_METRICS, MINUTE_MS, QUARTER_MS, type HistoryMetric, type PackedSnapshot } from "../store/index";
import type { ApiDeps } from "../http/deps";
import { query } from "../http/errors";
import { historyQuery, topologyQuery } from "./schemas";
import { nodeStatus } from "../nodes/status";
import { buildTopology } from "./topology";
import { ValidationError } from "@meshfleet/shared";

/** The most buckets one history answer may ask for. */
const MAX_BUCKETS = 10_000;

/** `/history`, `/names` and `/topology`. */
export function viewsRoutes(d: ApiDeps): Hono {
  const app = new Hono();

  app.get("/history", async (c) => {
    const q = query(c, historyQuery);
    const to = q.to ?? d.clock.now();
    const from = q.from ?? to - 3600_000;
    const step = q.step ?? 0;
    if (from >= to) throw new ValidationError("invalid query parameters: from must be before to");
    if (step > 0 && (to - from) / step > MAX_BUCKETS) throw new ValidationError(`invalid query parameters: more than ${MAX_BUCKETS} buckets; use a larger step`);
    if (step === 0 && to - from > 24 * 3600_000) throw new ValidationError("invalid query parameters: raw samples (no step) cover at most 24 h; give a step");
    if (step > 0 && step < 1000) throw new ValidationError("invalid query parameters: step must be 0 (raw) or at least 1000 ms");
    return c.json(await d.store.history({ node: q.node, metric: q.metric as HistoryMetric, key: MAC_KEYED_METRICS.has(q.metric) ? q.key.toLowerCase() : q.key, from, to, step }));
  });

  app.get("/history/metrics", (c) => c.json({ metrics: HISTORY_METRICS, rollupStepMs: { minute: MINUTE_MS, quarter: QUARTER_MS, hour: HOUR_MS } }));

  // What the fleet can name: every MAC and link-local address a node announced, by node id.
  app.get("/names", async (c) =>
    c.json({ macs: Object.fromEntries([...(await d.store.nodes.macMap())].sort()), addresses: Object.fromEntries([...(await d.store.nodes.addressMap())].sort()) }),
  );

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
