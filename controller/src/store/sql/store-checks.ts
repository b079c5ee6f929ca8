import type { SqlDb } from "./sql-db";

/** True when a write commits now (either store's health check): a probe row in `store_meta`. */
export async function checkWritable(sql: SqlDb, now: number): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await sql.run("INSERT INTO store_meta (key, value) VALUES ('health.probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(now)]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Row counts of `tables` (tests, metrics, benchmarks). */
export async function countRows(sql: SqlDb, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n);
  return out;
}
