import type { Database, Statement } from "better-sqlite3";
import { decodeAgg, encodeAgg, seriesOfRows, type StoredAgg } from "./rollup-codec";
import type { Agg, AggMap } from "./rollup-fold";

export type RollupLevel = "minute" | "quarter" | "hour";

/** The table of each rollup level (both stores). */
export const ROLLUP_TABLES: Readonly<Record<RollupLevel, string>> = { minute: "rollups_minute", quarter: "rollups_quarter", hour: "rollups_hour" };

/** Rows read per batch of `rangeSeries` (bounds what is held at once). */
const ROWS_PER_INFLATE = 500;

/** Rollup rows (one per node and bucket, encoded by `rollup-codec.ts`) and the store's small key/value state. */
export class RollupsRepository {
  private readonly s: Record<"put" | "range" | "delete", Record<RollupLevel, Statement>> & Record<"getMeta" | "setMeta" | "delMeta", Statement>;

  constructor(db: Database) {
    const each = (sql: (table: string) => string): Record<RollupLevel, Statement> => ({
      minute: db.prepare(sql(ROLLUP_TABLES.minute)),
      quarter: db.prepare(sql(ROLLUP_TABLES.quarter)),
      hour: db.prepare(sql(ROLLUP_TABLES.hour)),
    });
    this.s = {
      put: each((t) => `INSERT OR REPLACE INTO ${t} (node_id, bucket, data) VALUES (?, ?, ?)`),
      range: each((t) => `SELECT bucket, data FROM ${t} WHERE node_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`),
      delete: each((t) => `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE bucket < ? LIMIT ?)`),
      getMeta: db.prepare("SELECT value FROM store_meta WHERE key = ?"),
      setMeta: db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)"),
      delMeta: db.prepare("DELETE FROM store_meta WHERE key = ?"),
    };
  }

  put(level: RollupLevel, node: string, bucket: number, data: AggMap): void {
    this.s.put[level].run(node, bucket, encodeAgg(data));
  }

  *range(level: RollupLevel, node: string, from: number, to: number): Generator<{ bucket: number; data: AggMap }> {
    for (const r of this.s.range[level].iterate(node, from, to) as IterableIterator<{ bucket: number; data: StoredAgg }>) {
      yield { bucket: r.bucket, data: decodeAgg(r.data) };
    }
  }

  /** Like `range`, but only the series whose id starts with `prefix` (read without parsing the others). */
  *rangeSeries(level: RollupLevel, node: string, from: number, to: number, prefix: string): Generator<{ bucket: number; series: [string, Agg][] }> {
    const rows = this.s.range[level].iterate(node, from, to) as IterableIterator<{ bucket: number; data: StoredAgg }>;
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
    return this.s.delete[level].run(before, limit).changes;
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
