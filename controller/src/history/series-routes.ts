import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { z } from "zod";
import { ValidationError } from "@meshfleet/shared";
import { MAC_KEYED_METRICS, type HistoryMetric } from "../store/index";
import type { ApiDeps } from "../http/deps";
import { notFound } from "../http/errors";
import { error, json, valid } from "../http/openapi";
import { nodeParams } from "../nodes/schemas";
import { SERIES_LIMITS, seriesAnswer, seriesQuery } from "./schemas";

const invalid = (why: string) => new ValidationError(`invalid query parameters: ${why}`);

/**
 * `/nodes/:id/series?metric=`: every series of one metric of a node (each station's
 * signal, each mesh path's metric, each counter's rate) on one time axis, for charts.
 * Raw samples (the newest `limit`, over at most 24 h) or bucket averages read from the
 * rollups when a step is given.
 */
export function seriesRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  const doc = describeRoute({
    summary: "Every series of one metric of the node (each station's signal, each path's metric, each counter's rate) on one time axis: raw samples (the newest `limit`, range ≤ 24 h) or bucket averages from the rollups when a step is given",
    description: "step: ms or 30s/5m/1h; absent or 0 = raw samples (range ≤ 24 h). A long range at a short step is answered at a coarser one (a 5m step over 30 days at 15m, from the quarter-hour rollups): the answer's `step` and `source` say which",
    responses: { 200: json("series", seriesAnswer), 400: error("invalid parameters"), 404: error("unknown node") },
  });
  app.get("/nodes/:id/series", doc, valid("param", nodeParams), valid("query", seriesQuery), async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    if (!(await d.store.nodes.get(id))) throw notFound(`node ${id}`);
    const to = q.to ?? d.clock.now();
    const from = q.from ?? to - 3600_000;
    const step = q.step ?? 0;
    const limit = q.limit ?? SERIES_LIMITS.defaultSamples;
    if (from >= to) throw invalid("from must be before to");
    if (step > 0 && step < 1000) throw invalid("step must be 0 (raw) or at least 1000 ms");
    if (step === 0 && to - from > SERIES_LIMITS.rawRangeMs) throw invalid("raw samples (no step) cover at most 24 h; give a step");
    if (step > 0 && (to - from) / step > SERIES_LIMITS.maxSamples) throw invalid(`more than ${SERIES_LIMITS.maxSamples} buckets; use a larger step`);
    const r = await d.store.series({ node: id, metric: q.metric as HistoryMetric, from, to, step, limit, maxSeries: SERIES_LIMITS.maxSeries });
    const owners = new Map<string, string | null>();
    if (MAC_KEYED_METRICS.has(r.metric)) for (const s of r.series) owners.set(s.key, await d.store.nodes.resolveMac(s.key));
    const body: z.infer<typeof seriesAnswer> = {
      node: id,
      metric: r.metric,
      from,
      to,
      step: r.step,
      limit,
      source: r.source,
      ts: r.ts,
      series: r.series.map((s) => ({ key: s.key, node: owners.get(s.key) ?? null, values: s.values })),
      truncated: r.truncated,
    };
    return c.json(body);
  });
  return app;
}
