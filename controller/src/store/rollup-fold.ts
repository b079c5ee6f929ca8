import { forEachSample, type PackedSnapshot } from "./pack";

/** [min, max, sum, count] of one series in one bucket. */
export type Agg = [number, number, number, number];
/** series id (`metric|key`) -> aggregate. */
export type AggMap = Record<string, Agg>;

export function bucketOf(ts: number, sizeMs: number): number {
  return Math.floor(ts / sizeMs) * sizeMs;
}

export function addValue(m: AggMap, series: string, v: number): void {
  const a = m[series];
  if (!a) m[series] = [v, v, v, 1];
  else {
    if (v < a[0]) a[0] = v;
    if (v > a[1]) a[1] = v;
    a[2] += v;
    a[3] += 1;
  }
}

export function mergeAgg(m: AggMap, series: string, b: Agg): void {
  const a = m[series];
  if (!a) m[series] = [b[0], b[1], b[2], b[3]];
  else {
    if (b[0] < a[0]) a[0] = b[0];
    if (b[1] > a[1]) a[1] = b[1];
    a[2] += b[2];
    a[3] += b[3];
  }
}

/** Folds raw snapshots into per-bucket aggregates of every series (pure). */
export function foldSnapshots(rows: Iterable<{ ts: number; data: PackedSnapshot }>, sizeMs: number): Map<number, AggMap> {
  const out = new Map<number, AggMap>();
  for (const r of rows) {
    const b = bucketOf(r.ts, sizeMs);
    let m = out.get(b);
    if (!m) out.set(b, (m = {}));
    const target = m;
    forEachSample(r.data, (series, v) => addValue(target, series, v));
  }
  return out;
}

/** Folds finer rollup rows into coarser buckets (pure). */
export function foldRollups(rows: Iterable<{ bucket: number; data: AggMap }>, sizeMs: number): Map<number, AggMap> {
  const out = new Map<number, AggMap>();
  for (const r of rows) {
    const b = bucketOf(r.bucket, sizeMs);
    let m = out.get(b);
    if (!m) out.set(b, (m = {}));
    for (const [series, agg] of Object.entries(r.data)) mergeAgg(m, series, agg);
  }
  return out;
}
