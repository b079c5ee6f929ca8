import { ROLLUP_TABLES as TABLE, type RollupLevel } from "../rollups-repo";
import { decodeAgg, encodeAgg, seriesOfRows } from "../rollup-codec";
import type { RollupSeries } from "../series";
import type { AggMap } from "../rollup-fold";
import type { PgDb } from "./pg-db";

/** Packed rollup rows and the store's small key/value state, on PostgreSQL (the twin of `rollups-repo.ts`). */
export class PgRollups {
  constructor(private readonly db: PgDb) {}

  async put(level: RollupLevel, node: string, bucket: number, data: AggMap): Promise<void> {
    await this.db.run(`INSERT INTO ${TABLE[level]} (node_id, bucket, data) VALUES ($1, $2, $3) ON CONFLICT (node_id, bucket) DO UPDATE SET data = excluded.data`, [
      node,
      bucket,
      encodeAgg(data),
    ]);
  }

  async range(level: RollupLevel, node: string, from: number, to: number): Promise<{ bucket: number; data: AggMap }[]> {
    const rows = await this.db.query<{ bucket: number; data: Buffer }>(`SELECT bucket, data FROM ${TABLE[level]} WHERE node_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket`, [
      node,
      from,
      to,
    ]);
    return rows.map((r) => ({ bucket: r.bucket, data: decodeAgg(r.data) }));
  }

  /** Like `range`, but only the series whose id starts with `prefix`. */
  async rangeSeries(level: RollupLevel, node: string, from: number, to: number, prefix: string): Promise<RollupSeries[]> {
    const rows = await this.db.query<{ bucket: number; data: Buffer }>(`SELECT bucket, data FROM ${TABLE[level]} WHERE node_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket`, [
      node,
      from,
      to,
    ]);
    const series = seriesOfRows(
      rows.map((r) => r.data),
      prefix,
    );
    return rows.map((r, i) => ({ bucket: r.bucket, series: series[i]! }));
  }

  /** Deletes up to `limit` rows older than `before`; returns how many. */
  prune(level: RollupLevel, before: number, limit: number): Promise<number> {
    const t = TABLE[level];
    return this.db.run(`DELETE FROM ${t} WHERE (node_id, bucket) IN (SELECT node_id, bucket FROM ${t} WHERE bucket < $1 LIMIT $2)`, [before, limit]);
  }

  async getNumber(key: string): Promise<number | null> {
    const [r] = await this.db.query<{ value: string }>("SELECT value FROM store_meta WHERE key = $1", [key]);
    return r ? Number(r.value) : null;
  }

  async setNumber(key: string, value: number | null): Promise<void> {
    if (value === null) await this.db.run("DELETE FROM store_meta WHERE key = $1", [key]);
    else await this.db.run("INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, String(value)]);
  }
}
