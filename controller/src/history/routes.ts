import { Hono } from "hono";
import { HISTORY_METRICS, HOUR_MS, MAC_KEYED_METRICS, MINUTE_MS, QUARTER_MS, type HistoryMetric } from "../store/index";
import type { ApiDeps } from "../http/deps";
import { query } from "../http/errors";
import { historyQuery } from "./schemas";
import { ValidationError } from "@meshfleet/shared";

/** The most buckets one history answer may ask for. */
const MAX_BUCKETS = 10_000;

/** `/history` (one key of one node's metric over time) and `/history/metrics`. */
export function historyRoutes(d: ApiDeps): Hono {
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
  return app;
}
