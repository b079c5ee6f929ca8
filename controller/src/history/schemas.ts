import { z } from "zod";
import { durationMs, nodeId } from "@meshfleet/shared";
import { HISTORY_METRIC_NAMES } from "../store/index";

/** Request and response schemas of the history routes; the OpenAPI document is generated from them. */
export const msInt = z.coerce.number().int().nonnegative().max(8_640_000_000_000_000);
/** A step in ms (`60000`) or as a duration (`30s`, `5m`, `1h`); 0 = raw samples. */
export const stepParam = z
  .string()
  .refine((s) => durationMs(s) !== null, "a step is milliseconds or a duration such as 30s, 5m, 1h")
  .transform((s) => durationMs(s)!);

export const historyQuery = z
  .object({
    node: nodeId,
    metric: z.enum(HISTORY_METRIC_NAMES as [string, ...string[]]),
    key: z.string().min(1).max(256),
    from: msInt.optional(),
    to: msInt.optional(),
    step: stepParam.optional(),
  })
  .strict();

/** The caps of `/api/nodes/:id/series`. */
export const SERIES_LIMITS = { maxSamples: 2000, defaultSamples: 500, maxSeries: 64, rawRangeMs: 24 * 3600_000 } as const;

export const seriesQuery = z
  .object({
    metric: z.enum(HISTORY_METRIC_NAMES as [string, ...string[]]),
    from: msInt.optional(),
    to: msInt.optional(),
    step: stepParam.optional(),
    limit: z.coerce.number().int().min(1).max(SERIES_LIMITS.maxSamples).optional().describe("the most timestamps (raw: the newest are kept)"),
  })
  .strict();

export const seriesAnswer = z.object({
  node: z.string(),
  metric: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  step: z.number().int(),
  limit: z.number().int(),
  source: z.enum(["raw", "minute", "quarter", "hour"]),
  ts: z.array(z.number().int()).describe("sample or bucket times (ms), ascending"),
  series: z.array(
    z.object({
      key: z.string(),
      node: z.string().nullable().describe("fleet node owning the key's MAC (station and path metrics)"),
      values: z.array(z.number().nullable()).describe("one per ts; null where the key has no sample"),
    }),
  ),
  truncated: z.boolean().describe("samples or series over the limits were left out"),
});

export const historyAnswer = z.object({
  node: z.string(),
  metric: z.string(),
  key: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  step: z.number().int(),
  source: z.enum(["raw", "minute", "quarter", "hour"]),
  points: z.array(z.object({ ts: z.number().int(), min: z.number(), avg: z.number(), max: z.number(), count: z.number().int() })),
});
