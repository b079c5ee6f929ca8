import { sampleOf, type HistoryMetric } from "./pack";
import { bucketed, type SeriesReader, type SeriesSource } from "./series";

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
  /** Where the points came from: raw samples or a rollup level; `step` is the step they are at (`levelFor`). */
  source: SeriesSource;
  points: HistoryPoint[];
}

/** The most points one answer carries. */
export const MAX_HISTORY_POINTS = 10_000;

/**
 * Time series of one metric of one node. Raw when step is 0; otherwise bucketed by `step`
 * (or the coarser step `levelFor` answers a long range at), read from the rollups and
 * completed from finer data for the span not rolled up yet.
 */
export async function queryHistory(q: HistoryQuery, reader: SeriesReader): Promise<HistoryResult> {
  const series = `${q.metric}|${q.key}`;
  if (q.step === 0) {
    const points: HistoryPoint[] = [];
    for (const r of await reader.raw(q.node, q.from, q.to)) {
      const v = sampleOf(r.data, q.metric, q.key);
      if (v !== null) points.push({ ts: r.ts, min: v, avg: v, max: v, count: 1 });
      if (points.length >= MAX_HISTORY_POINTS) break;
    }
    return { ...q, source: "raw", points };
  }
  const { source, step, buckets } = await bucketed(q, series, (id) => id === series, reader);
  const points = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(0, MAX_HISTORY_POINTS)
    .map(([ts, m]) => {
      const a = m.get(series)!;
      return { ts, min: a[0], avg: Math.round((a[2] / a[3]) * 1000) / 1000, max: a[1], count: a[3] };
    });
  return { ...q, step, source, points };
}
