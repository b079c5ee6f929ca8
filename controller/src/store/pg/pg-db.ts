import { AsyncLocalStorage } from "node:async_hooks";
import type pg from "pg";
import { migratePg } from "@meshfleet/migrations";
import { TransactionQueue } from "../transaction-queue";
import type { SqlDb } from "../sql/sql-db";

/** PostgreSQL's int8: every integer column (milliseconds, ids, counters) fits a JS number. */
const INT8_OID = 20;
const typesOf = (pgTypes: typeof pg.types) => ({
  getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === INT8_OID ? (v: string) => Number(v) : pgTypes.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
});

/** Any number: every controller on the database takes it to migrate, one after another. */
const MIGRATION_LOCK = 0x6d66_6d67;

/**
 * A connection pool with the store's transaction rules: `transaction(fn)` runs `fn` on one
 * client between BEGIN and COMMIT, and every `query` made inside it (however deep) goes to
 * that client; outside a transaction a query takes any pooled connection.
 */
export class PgDb implements SqlDb {
  readonly dialect = "postgres";
  private readonly client = new AsyncLocalStorage<pg.PoolClient>();
  private readonly queue = new TransactionQueue();

  private constructor(readonly pool: pg.Pool) {}

  /** Connects and applies pending migrations (under an advisory lock: several controllers may start at once). */
  static async open(url: string, poolSize: number): Promise<PgDb> {
    // Loaded here, not at the top: a controller on SQLite (and --help, doctor) never loads the PostgreSQL driver.
    const { default: driver } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const pool = new driver.Pool({ connectionString: url, max: poolSize, types: typesOf(driver.types), connectionTimeoutMillis: 10_000 });
    pool.on("error", () => undefined); // an idle client's broken connection: the pool replaces it
    try {
      const c = await pool.connect();
      try {
        await c.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
        try {
          await migratePg(drizzle(c));
        } finally {
          await c.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
        }
      } finally {
        c.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PgDb(pool);
  }

  /** The rows of one statement (`$1`... placeholders). */
  async query<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    const r = await (this.client.getStore() ?? this.pool).query(text, values as unknown[]);
    return r.rows as R[];
  }

  /** How many rows one statement changed. */
  async run(text: string, values: readonly unknown[] = []): Promise<number> {
    const r = await (this.client.getStore() ?? this.pool).query(text, values as unknown[]);
    return r.rowCount ?? 0;
  }

  /** True inside `transaction` (in `fn`, or code it awaits). */
  get inTransaction(): boolean {
    return this.client.getStore() !== undefined;
  }

  /** Runs `fn` in one transaction (a call from inside joins it); `settle(committed)` after it ends. */
  transaction<T>(fn: () => Promise<T>, settle: (committed: boolean) => void = () => undefined): Promise<T> {
    return this.queue.run(fn, async () => {
      const c = await this.pool.connect();
      let ok = false;
      try {
        await c.query("BEGIN");
        const r = await this.client.run(c, fn);
        await c.query("COMMIT");
        ok = true;
        return r;
      } finally {
        if (!ok) await c.query("ROLLBACK").catch(() => undefined);
        c.release();
        settle(ok);
      }
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
