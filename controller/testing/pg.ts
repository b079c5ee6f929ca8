import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL that tests and benchmarks use: this machine's (trust auth), or MESHFLEET_TEST_PG. */
export const TEST_PG_URL = process.env.MESHFLEET_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  /** `postgres://…/mf_test_<random>` */
  url: string;
  /** Drops the database (closing what is still connected to it). */
  drop(): Promise<void>;
}

/** The server's answer to `SELECT 1`, or why there is none. */
export async function probePostgres(url = TEST_PG_URL): Promise<{ ok: true } | { ok: false; error: string }> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * Whether `suite`'s PostgreSQL half can run here: true when the test server answers; false
 * (with a warning) when it does not; with MESHFLEET_REQUIRE_POSTGRES=1 (CI) a server that does
 * not answer fails the suite instead of skipping it.
 */
export async function postgresForSuite(suite: string): Promise<boolean> {
  const probe = await probePostgres();
  if (probe.ok) return true;
  if (process.env.MESHFLEET_REQUIRE_POSTGRES === "1") throw new Error(`${suite}: MESHFLEET_REQUIRE_POSTGRES=1 but nothing answers at ${TEST_PG_URL} (${probe.error})`);
  console.warn(`${suite}: PostgreSQL skipped, nothing answers at ${TEST_PG_URL} (${probe.error})`);
  return false;
}

/** A new empty database `mf_test_<random>` on the test server, for one test run. */
export async function createTestDatabase(url = TEST_PG_URL): Promise<TestDatabase> {
  const name = `mf_test_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
