import { HOUR_MS, MINUTE_MS } from "./types";
import { forEachSample, type HistoryMetric } from "./pack";
import { bucketOf, type Agg } from "./rollup-fold";
import type { RawRow } from "./telemetry-repo";

export type Watermarks = { minute: number | null; hour: number | null };

export type RollupSeries = { bucket: number; series: [string, Agg][] };

/** What history and series read, from either store: raw rows and rollups, oldest first. */
export interface SeriesReader {
  raw(node: string, from: number, to: number): Iterable<RawRow> | Promise<Iterable<RawRow>>;
  /** The newest `limit` raw rows with from <= ts < to, oldest first. */
  newest(node: string, from: number, to: number, limit: number): Promise<RawRow[]>;
  /** The rollup rows of the series whose id starts with `prefix`. */
  rollups(level: "minute" | "hour", node: string, from: number, to: number, prefix: string): Iterable<RollupSeries> | Promise<Iterable<RollupSeries>>;
  watermarks: Watermarks;
}
export type SeriesSource = "raw" | "minute" | "hour";

/** Bucket -> series id (`metric|key`) -> aggregate. */
export type Buckets = Map<number, Map<string, Agg>>;

function put(buckets: Buckets, ts: number, series: string, a: Agg): void {
  let m = buckets.get(ts);
  if (!m) buckets.set(ts, (m = new Map()));
  const cur = m.get(series);
  if (!cur) m.set(series, [a[0], a[1], a[2], a[3]]);
  else {
    cur[0] = Math.min(cur[0], a[0]);
    cur[1] = Math.max(cur[1], a[1]);
    cur[2] += a[2];
    cur[3] += a[3];
  }
}

/**
 * Aggregates the series `want` accepts (ids starting with `prefix`) into buckets of `step` ms over [from, to): from hour
 * rollups (step a whole number of hours), minute rollups (whole minutes) or raw samples,
 * each completed from finer data for the span not rolled up yet.
 */
export async function bucketed(
  q: { node: string; from: number; to: number; step: number },
  prefix: string,
  want: (series: string) => boolean,
  reader: SeriesReader,
): Promise<{ source: SeriesSource; buckets: Buckets }> {
  const { watermarks } = reader;
  const source: SeriesSource = q.step >= HOUR_MS && q.step % HOUR_MS === 0 ? "hour" : q.step >= MINUTE_MS && q.step % MINUTE_MS === 0 ? "minute" : "raw";
  const buckets: Buckets = new Map();
  let cursor = q.from;
  if (source === "hour" && watermarks.hour !== null) {
    const end = Math.min(q.to, watermarks.hour);
    for (const r of await reader.rollups("hour", q.node, bucketOf(cursor, HOUR_MS), end, prefix)) {
      if (r.bucket < cursor) continue;
      for (const [series, a] of r.series) if (want(series)) put(buckets, bucketOf(r.bucket, q.step), series, a);
    }
    cursor = Math.max(cursor, end);
  }
  if (source !== "raw" && watermarks.minute !== null && cursor < q.to) {
    const end = Math.min(q.to, watermarks.minute);
    for (const r of await reader.rollups("minute", q.node, cursor, end, prefix)) {
      for (const [series, a] of r.series) if (want(series)) put(buckets, bucketOf(r.bucket, q.step), series, a);
    }
    cursor = Math.max(cursor, end);
  }
  if (cursor < q.to) {
    for (const r of await reader.raw(q.node, cursor, q.to)) {
      const b = bucketOf(r.ts, q.step);
      forEachSample(r.data, (series, v) => {
        if (want(series)) put(buckets, b, series, [v, v, v, 1]);
      });
    }
  }
  return { source, buckets };
}

export interface SeriesQuery {
  node: string;
  metric: HistoryMetric;
  from: number;
  to: number;
  /** Bucket size in ms; 0 = raw samples. */
  step: number;
  /** The most timestamps in the answer: raw keeps the newest, bucketed the oldest. */
  limit: number;
  /** The most series in the answer (by key order). */
  maxSeries: number;
}

export interface SeriesResult extends SeriesQuery {
  source: SeriesSource;
  /** Sample (raw) or bucket (avg) times, ascending; every series has one value per entry. */
  ts: number[];
  series: { key: string; values: (number | null)[] }[];
  /** True when samples or series over the limits were left out. */
  truncated: boolean;
}

/**
 * Every series of one metric of one node (each station's signal, each counter's rate...)
 * on one shared time axis, as a chart draws them: `ts` and one value column per key, null
 * where a key has no sample. Raw when step is 0, else the bucket averages.
 */
export async function querySeries(q: SeriesQuery, reader: SeriesReader): Promise<SeriesResult> {
  const prefix = `${q.metric}|`;
  const want = (series: string) => series.startsWith(prefix);
  const rows: { ts: number; values: Map<string, number> }[] = [];
  let source: SeriesSource = "raw";
  let truncated = false;
  if (q.step === 0) {
    const newest = await reader.newest(q.node, q.from, q.to, q.limit + 1);
    if (newest.length > q.limit) {
      truncated = true;
      newest.shift();
    }
    for (const r of newest) {
      const values = new Map<string, number>();
      forEachSample(r.data, (series, v) => {
        if (want(series) && !values.has(series)) values.set(series, v);
      });
      if (values.size > 0) rows.push({ ts: r.ts, values });
    }
  } else {
    const b = await bucketed(q, prefix, want, reader);
    source = b.source;
    for (const [ts, m] of [...b.buckets.entries()].sort((x, y) => x[0] - y[0])) {
      const values = new Map<string, number>();
      for (const [series, a] of m) values.set(series, Math.round((a[2] / a[3]) * 1000) / 1000);
      rows.push({ ts, values });
    }
    if (rows.length > q.limit) {
      truncated = true;
      rows.length = q.limit;
    }
  }
  const ids = new Set<string>();
  for (const r of rows) for (const id of r.values.keys()) ids.add(id);
  const sorted = [...ids].sort();
  if (sorted.length > q.maxSeries) {
    truncated = true;
    sorted.length = q.maxSeries;
  }
  return {
    ...q,
    source,
    ts: rows.map((r) => r.ts),
    series: sorted.map((id) => ({ key: id.slice(prefix.length), values: rows.map((r) => r.values.get(id) ?? null) })),
    truncated,
  };
}
