import type { Database, Statement } from "better-sqlite3";
import { decodeAgg, encodeAgg, seriesOfRows, type StoredAgg } from "./rollup-codec";
import type { Agg, AggMap } from "./rollup-fold";

export type RollupLevel = "minute" | "hour";

/** Rows read per batch of `rangeSeries` (bounds what is held at once). */
const ROWS_PER_INFLATE = 500;

/** Rollup rows (one per node and bucket, encoded by `rollup-codec.ts`) and the store's small key/value state. */
export class RollupsRepository {
  private readonly s: Record<`${"put" | "range" | "delete"}_${RollupLevel}` | "getMeta" | "setMeta" | "delMeta", Statement>;

  constructor(db: Database) {
    const t = { minute: "rollups_minute", hour: "rollups_hour" } as const;
    this.s = {
      put_minute: db.prepare(`INSERT OR REPLACE INTO ${t.minute} (node_id, bucket, data) VALUES (?, ?, ?)`),
      put_hour: db.prepare(`INSERT OR REPLACE INTO ${t.hour} (node_id, bucket, data) VALUES (?, ?, ?)`),
      range_minute: db.prepare(`SELECT bucket, data FROM ${t.minute} WHERE node_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`),
      range_hour: db.prepare(`SELECT bucket, data FROM ${t.hour} WHERE node_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`),
      delete_minute: db.prepare(`DELETE FROM ${t.minute} WHERE rowid IN (SELECT rowid FROM ${t.minute} WHERE bucket < ? LIMIT ?)`),
      delete_hour: db.prepare(`DELETE FROM ${t.hour} WHERE rowid IN (SELECT rowid FROM ${t.hour} WHERE bucket < ? LIMIT ?)`),
      getMeta: db.prepare("SELECT value FROM store_meta WHERE key = ?"),
      setMeta: db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)"),
      delMeta: db.prepare("DELETE FROM store_meta WHERE key = ?"),
    };
  }

  put(level: RollupLevel, node: string, bucket: number, data: AggMap): void {
    this.s[`put_${level}`].run(node, bucket, encodeAgg(data));
  }

  *range(level: RollupLevel, node: string, from: number, to: number): Generator<{ bucket: number; data: AggMap }> {
    for (const r of this.s[`range_${level}`].iterate(node, from, to) as IterableIterator<{ bucket: number; data: StoredAgg }>) {
      yield { bucket: r.bucket, data: decodeAgg(r.data) };
    }
  }

  /** Like `range`, but only the series whose id starts with `prefix` (read without parsing the others). */
  *rangeSeries(level: RollupLevel, node: string, from: number, to: number, prefix: string): Generator<{ bucket: number; series: [string, Agg][] }> {
    const rows = this.s[`range_${level}`].iterate(node, from, to) as IterableIterator<{ bucket: number; data: StoredAgg }>;
    let chunk: { bucket: number; data: StoredAgg }[] = [];
    const flush = function* (c: typeof chunk) {
      const series = seriesOfRows(
        c.map((r) => r.data),
        prefix,
      );
      for (let i = 0; i < c.length; i++) yield { bucket: c[i]!.bucket, series: series[i]! };
    };
    for (const r of rows) {
      chunk.push(r);
      if (chunk.length >= ROWS_PER_INFLATE) {
        yield* flush(chunk);
        chunk = [];
      }
    }
    yield* flush(chunk);
  }

  /** Deletes up to `limit` rows older than `before`; returns how many. */
  prune(level: RollupLevel, before: number, limit: number): number {
    return this.s[`delete_${level}`].run(before, limit).changes;
  }

  getNumber(key: string): number | null {
    const r = this.s.getMeta.get(key) as { value: string } | undefined;
    return r ? Number(r.value) : null;
  }

  setNumber(key: string, value: number | null): void {
    if (value === null) this.s.delMeta.run(key);
    else this.s.setMeta.run(key, String(value));
  }
}
