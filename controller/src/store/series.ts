import { HOUR_MS, MINUTE_MS, QUARTER_MS } from "./types";
import { forEachSample, type HistoryMetric } from "./pack";
import { bucketOf, type Agg } from "./rollup-fold";
import type { RollupLevel } from "./rollups-repo";
import type { RawRow } from "./telemetry-repo";

/** Each rollup level's first bucket not rolled up yet (null before its first pass). */
export type Watermarks = Record<RollupLevel, number | null>;

export type RollupSeries = { bucket: number; series: [string, Agg][] };

/** What history and series read, from either store: raw rows and rollups, oldest first. */
export interface SeriesReader {
  raw(node: string, from: number, to: number): Iterable<RawRow> | Promise<Iterable<RawRow>>;
  /** The newest `limit` raw rows with from <= ts < to, oldest first. */
  newest(node: string, from: number, to: number, limit: number): Promise<RawRow[]>;
  /** The rollup rows of the series whose id starts with `prefix`. */
  rollups(level: RollupLevel, node: string, from: number, to: number, prefix: string): Iterable<RollupSeries> | Promise<Iterable<RollupSeries>>;
  watermarks: Watermarks;
}
export type SeriesSource = "raw" | RollupLevel;

/** The rollup levels, finest first, and their bucket sizes. */
export const ROLLUP_LEVELS: readonly { level: RollupLevel; ms: number }[] = [
  { level: "minute", ms: MINUTE_MS },
  { level: "quarter", ms: QUARTER_MS },
  { level: "hour", ms: HOUR_MS },
];

/**
 * The most rows a bucketed answer reads from its rollup level: 2 days of minutes, 30 days
 * of quarter hours, 120 days of hours. An answer costs ~20 us of CPU per row it reads (50-60 ms
 * for 2,880 quarter rows of a bench-profile node in `npm run bench -- history`, a third of
 * it the SELECT), so this keeps one under 100 ms; only hours go past it.
 */
export const MAX_ROLLUP_ROWS = 2_880;

/**
 * Where a bucketed answer comes from and at what step: the coarsest level whose bucket
 * divides the step (raw samples when none does), or, when that level holds more than
 * MAX_ROLLUP_ROWS buckets of the range, the first coarser level that does not, at the
 * step rounded up to a whole number of its buckets. A 5-minute step over 30 days is
 * answered from quarter hours, at 15 minutes.
 */
export function levelFor(step: number, span: number): { source: SeriesSource; step: number } {
  let i = ROLLUP_LEVELS.findLastIndex((l) => step >= l.ms && step % l.ms === 0);
  if (i === -1) return { source: "raw", step };
  while (i < ROLLUP_LEVELS.length - 1 && span / ROLLUP_LEVELS[i]!.ms > MAX_ROLLUP_ROWS) i++;
  const { level, ms } = ROLLUP_LEVELS[i]!;
  return { source: level, step: Math.ceil(step / ms) * ms };
}

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
 * Aggregates the series `want` accepts (ids starting with `prefix`) into buckets over
 * [from, to), at the step and from the level `levelFor` picks. A level answers for its
 * whole buckets up to its watermark; the rest (a partial bucket at `from`, what is not
 * rolled up yet) comes from the next finer level, down to raw samples.
 */
export async function bucketed(
  q: { node: string; from: number; to: number; step: number },
  prefix: string,
  want: (series: string) => boolean,
  reader: SeriesReader,
): Promise<{ source: SeriesSource; step: number; buckets: Buckets }> {
  const { source, step } = levelFor(q.step, q.to - q.from);
  const buckets: Buckets = new Map();
  const fill = async (levels: typeof ROLLUP_LEVELS, from: number, to: number): Promise<void> => {
    if (from >= to) return;
    const top = levels.at(-1);
    if (!top) {
      for (const r of await reader.raw(q.node, from, to)) {
        const b = bucketOf(r.ts, step);
        forEachSample(r.data, (series, v) => {
          if (want(series)) put(buckets, b, series, [v, v, v, 1]);
        });
      }
      return;
    }
    const finer = levels.slice(0, -1);
    const watermark = reader.watermarks[top.level];
    const start = Math.min(Math.ceil(from / top.ms) * top.ms, to);
    const end = watermark === null ? start : Math.max(start, Math.min(to, watermark));
    await fill(finer, from, start);
    if (start < end) {
      for (const r of await reader.rollups(top.level, q.node, start, end, prefix)) {
        for (const [series, a] of r.series) if (want(series)) put(buckets, bucketOf(r.bucket, step), series, a);
      }
    }
    await fill(finer, end, to);
  };
  await fill(ROLLUP_LEVELS.slice(0, ROLLUP_LEVELS.findIndex((l) => l.level === source) + 1), q.from, q.to);
  return { source, step, buckets };
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
  /** Where the values came from; `step` is the step they are at (`levelFor`). */
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
  let step = q.step;
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
    step = b.step;
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
    step,
    source,
    ts: rows.map((r) => r.ts),
    series: sorted.map((id) => ({ key: id.slice(prefix.length), values: rows.map((r) => r.values.get(id) ?? null) })),
    truncated,
  };
}
