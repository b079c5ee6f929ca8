import { HOUR_MS, MINUTE_MS } from "./types";
import { sampleOf, type HistoryMetric } from "./pack";
import { bucketOf, type Agg } from "./rollup-fold";
import type { RollupsRepository } from "./rollups-repo";
import type { TelemetryRepository } from "./telemetry-repo";

export interface HistoryQuery {
  node: string;
  metric: HistoryMetric;
  key: string;
  from: number;
  to: number;
  /** Bucket size in ms; 0 = raw samples. */
  step: number;
}

export interface HistoryPoint {
  ts: number;
  min: number;
  avg: number;
  max: number;
  count: number;
}

export interface HistoryResult extends HistoryQuery {
  /** Where the points came from: raw samples, minute or hour rollups (the coarsest that fits the step). */
  source: "raw" | "minute" | "hour";
  points: HistoryPoint[];
}

/** The most points one answer carries. */
export const MAX_HISTORY_POINTS = 10_000;

function put(m: Map<number, Agg>, ts: number, a: Agg): void {
  const cur = m.get(ts);
  if (!cur) m.set(ts, [a[0], a[1], a[2], a[3]]);
  else {
    cur[0] = Math.min(cur[0], a[0]);
    cur[1] = Math.max(cur[1], a[1]);
    cur[2] += a[2];
    cur[3] += a[3];
  }
}

/**
 * Time series of one metric of one node. Raw when step is 0; otherwise bucketed by `step`,
 * read from hour rollups (step >= 1 h), minute rollups (step >= 1 min) or raw samples, and
 * completed from finer data for the span not rolled up yet.
 */
export function queryHistory(
  q: HistoryQuery,
  telemetry: TelemetryRepository,
  rollups: RollupsRepository,
  watermarks: { minute: number | null; hour: number | null },
): HistoryResult {
  const series = `${q.metric}|${q.key}`;
  if (q.step === 0) {
    const points: HistoryPoint[] = [];
    for (const r of telemetry.range(q.node, q.from, q.to)) {
      const v = sampleOf(r.data, q.metric, q.key);
      if (v !== null) points.push({ ts: r.ts, min: v, avg: v, max: v, count: 1 });
      if (points.length >= MAX_HISTORY_POINTS) break;
    }
    return { ...q, source: "raw", points };
  }
  const source = q.step >= HOUR_MS && q.step % HOUR_MS === 0 ? "hour" : q.step >= MINUTE_MS && q.step % MINUTE_MS === 0 ? "minute" : "raw";
  const buckets = new Map<number, Agg>();
  let cursor = q.from;
  if (source === "hour" && watermarks.hour !== null) {
    const end = Math.min(q.to, watermarks.hour);
    for (const r of rollups.range("hour", q.node, bucketOf(cursor, HOUR_MS), end)) {
      const a = r.data[series];
      if (a && r.bucket >= cursor) put(buckets, bucketOf(r.bucket, q.step), a);
    }
    cursor = Math.max(cursor, end);
  }
  if (source !== "raw" && watermarks.minute !== null && cursor < q.to) {
    const end = Math.min(q.to, watermarks.minute);
    for (const r of rollups.range("minute", q.node, cursor, end)) {
      const a = r.data[series];
      if (a) put(buckets, bucketOf(r.bucket, q.step), a);
    }
    cursor = Math.max(cursor, end);
  }
  if (cursor < q.to) {
    for (const r of telemetry.range(q.node, cursor, q.to)) {
      const v = sampleOf(r.data, q.metric, q.key);
      if (v !== null) put(buckets, bucketOf(r.ts, q.step), [v, v, v, 1]);
    }
  }
  const points = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(0, MAX_HISTORY_POINTS)
    .map(([ts, a]) => ({ ts, min: a[0], avg: Math.round((a[2] / a[3]) * 1000) / 1000, max: a[1], count: a[3] }));
  return { ...q, source, points };
}
