import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { HISTORY_METRICS, HOUR_MS, MAC_KEYED_METRICS, MINUTE_MS, QUARTER_MS, type HistoryMetric } from "../store/index";
import type { ApiDeps } from "../http/deps";
import { error, json, valid } from "../http/openapi";
import { historyAnswer, historyQuery } from "./schemas";
import { ValidationError } from "@meshfleet/shared";

/** The most buckets one history answer may ask for. */
const MAX_BUCKETS = 10_000;

const metricsAnswer = z.object({ metrics: z.record(z.string(), z.string()), rollupStepMs: z.object({ minute: z.number().int(), quarter: z.number().int(), hour: z.number().int() }) });

/** `/history` (one key of one node's metric over time) and `/history/metrics`. */
export function historyRoutes(d: ApiDeps): Hono {
  const app = new Hono();

  const history = describeRoute({
    summary: "A time series of one node's metric: raw samples (no step) or min/avg/max per step, read from rollups when the step allows",
    description: "step: ms or 30s/5m/1h; absent or 0 = raw samples (range ≤ 24 h). A long range at a short step is answered at a coarser one (a 5m step over 30 days at 15m, from the quarter-hour rollups): the answer's `step` and `source` say which",
    responses: { 200: json("series", historyAnswer), 400: error("invalid parameters") },
  });
  app.get("/history", history, valid("query", historyQuery), async (c) => {
    const q = c.req.valid("query");
    const to = q.to ?? d.clock.now();
    const from = q.from ?? to - 3600_000;
    const step = q.step ?? 0;
    if (from >= to) throw new ValidationError("invalid query parameters: from must be before to");
    if (step > 0 && (to - from) / step > MAX_BUCKETS) throw new ValidationError(`invalid query parameters: more than ${MAX_BUCKETS} buckets; use a larger step`);
    if (step === 0 && to - from > 24 * 3600_000) throw new ValidationError("invalid query parameters: raw samples (no step) cover at most 24 h; give a step");
    if (step > 0 && step < 1000) throw new ValidationError("invalid query parameters: step must be 0 (raw) or at least 1000 ms");
    return c.json(await d.store.history({ node: q.node, metric: q.metric as HistoryMetric, key: MAC_KEYED_METRICS.has(q.metric) ? q.key.toLowerCase() : q.key, from, to, step }));
  });

  const metrics = describeRoute({ summary: "The metrics /api/history serves and what their key names", responses: { 200: json("metrics", metricsAnswer) } });
  app.get("/history/metrics", metrics, (c) => c.json({ metrics: HISTORY_METRICS, rollupStepMs: { minute: MINUTE_MS, quarter: QUARTER_MS, hour: HOUR_MS } }));
  return app;
}
