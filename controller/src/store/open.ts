import type { Clock, RetentionConfig } from "./types";
import { openStore } from "./store";
import { PgStore } from "./pg/pg-store";
import type { StoreApi } from "./store-api";

/** Does `--db` name a PostgreSQL database (`postgres://` or `postgresql://`) rather than a SQLite file? */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

export interface OpenAnyStoreOptions {
  clock: Clock;
  retention?: Partial<RetentionConfig>;
  rollupGraceMs?: number;
  /** SQLite only. */
  synchronous?: "NORMAL" | "FULL";
  /** SQLite only: `StoreOptions.busyTimeoutMs`. */
  busyTimeoutMs?: number;
}

/**
 * The store `--db` names: a PostgreSQL URL opens a `PgStore` (connects and migrates; its
 * errors never show the password), anything else is a SQLite file (the default).
 */
export async function openAnyStore(db: string, o: OpenAnyStoreOptions): Promise<StoreApi> {
  if (isPostgresUrl(db)) return PgStore.open({ url: db, clock: o.clock, retention: o.retention, rollupGraceMs: o.rollupGraceMs });
  return openStore({ file: db, clock: o.clock, retention: o.retention, rollupGraceMs: o.rollupGraceMs, synchronous: o.synchronous, busyTimeoutMs: o.busyTimeoutMs });
}
