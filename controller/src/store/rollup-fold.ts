import { forEachSampleOf, type PackedSnapshot } from "./pack";

/** [min, max, sum, count] of one series in one bucket. */
export type Agg = [number, number, number, number];
/** series id (`metric|key`) -> aggregate. */
export type AggMap = Record<string, Agg>;

export function bucketOf(ts: number, sizeMs: number): number {
  return Math.floor(ts / sizeMs) * sizeMs;
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

/** One bucket's aggregates while folding: by metric and key, and the series in the order they were first seen. */
interface BucketFold {
  byMetric: Map<string, Map<string, Agg>>;
  order: { series: string; agg: Agg }[];
}

/**
 * Folds raw snapshots into per-bucket aggregates of every series (pure). Aggregates are found
 * by metric, then key (a key string read once serves every metric of it), and each bucket's
 * series are listed in the order they first appear (as when every sample went into one object).
 */
export function foldSnapshots(rows: Iterable<{ ts: number; data: PackedSnapshot }>, sizeMs: number): Map<number, AggMap> {
  const folds = new Map<number, BucketFold>();
  for (const r of rows) {
    const b = bucketOf(r.ts, sizeMs);
    let f = folds.get(b);
    if (!f) folds.set(b, (f = { byMetric: new Map(), order: [] }));
    const { byMetric, order } = f;
    forEachSampleOf(r.data, (metric, key, v) => {
      let byKey = byMetric.get(metric);
      if (!byKey) byMetric.set(metric, (byKey = new Map()));
      const a = byKey.get(key);
      if (!a) {
        const agg: Agg = [v, v, v, 1];
        byKey.set(key, agg);
        order.push({ series: `${metric}|${key}`, agg });
      } else {
        if (v < a[0]) a[0] = v;
        if (v > a[1]) a[1] = v;
        a[2] += v;
        a[3] += 1;
      }
    });
  }
  const out = new Map<number, AggMap>();
  for (const [b, f] of folds) {
    const m: AggMap = {};
    for (const { series, agg } of f.order) m[series] = agg;
    out.set(b, m);
  }
  return out;
}

/** Folds finer rollup rows into coarser buckets (pure). */
/**
 * Buckets that late rows changed after the raw rows they had been folded from were pruned:
 * the late rows' aggregates (`late`, by bucket) added to what those buckets held (`stored`,
 * rows of the same size; those of other buckets are left out). Pure.
 */
export function addLate(stored: Iterable<{ bucket: number; data: AggMap }>, late: ReadonlyMap<number, AggMap>, sizeMs: number): Map<number, AggMap> {
  const held = [...stored].filter((r) => late.has(r.bucket));
  return foldRollups([...held, ...[...late].map(([bucket, data]) => ({ bucket, data }))], sizeMs);
}

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
