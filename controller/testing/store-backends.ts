import { tempDir } from "@meshfleet/testkit";
import { openStore } from "../src/store/store";
import { PgStore } from "../src/store/pg/pg-store";
import type { StoreApi } from "../src/store/store-api";
import { MINUTE_MS, type FakeClock, type RetentionConfig } from "../src/store/types";
import { createTestDatabase, postgresForSuite, type TestDatabase } from "./pg";

/** One store implementation under a contract suite. */
export interface StoreBackend {
  name: "SQLite" | "PostgreSQL";
  /** Opens the test's store (a second call opens the same data again: a restart). */
  open(clock: FakeClock, retention?: Partial<RetentionConfig>): Promise<StoreApi>;
  /** Forgets the test's data (a new file, a new database). */
  reset(): Promise<void>;
}

/**
 * SQLite (a file per test) and PostgreSQL (a database `mf_test_<random>` per test, dropped
 * after), each with `skip` when it cannot run here. With MESHFLEET_REQUIRE_POSTGRES=1 a
 * PostgreSQL that does not answer fails the suite instead of skipping it.
 */
export async function storeBackends(suite: string): Promise<{ backend: StoreBackend; skip: boolean }[]> {
  const pgHere = await postgresForSuite(suite);
  let dir = tempDir("mf-contract-");
  const sqlite: StoreBackend = {
    name: "SQLite",
    // Each minute rolled up on its own, as PostgreSQL does (SQLite's default rolls up 10 at a time).
    open: (clock, retention) => Promise.resolve(openStore({ file: `${dir.path}/c.sqlite`, clock, retention, rollupEveryMs: MINUTE_MS })),
    reset: () => {
      dir.cleanup();
      dir = tempDir("mf-contract-");
      return Promise.resolve();
    },
  };
  let db: TestDatabase | null = null;
  const postgres: StoreBackend = {
    name: "PostgreSQL",
    open: async (clock, retention) => {
      db ??= await createTestDatabase();
      return PgStore.open({ url: db.url, clock, retention, poolSize: 4 });
    },
    reset: async () => {
      await db?.drop();
      db = null;
    },
  };
  return [
    { backend: sqlite, skip: false },
    { backend: postgres, skip: !pgHere },
  ];
}
