import { readMigrationFiles } from "drizzle-orm/migrator";

/** A database's migration journal against this build's migrations. */
export interface JournalStatus {
  known: number;
  applied: number;
  /** Migrations `serve` would apply at open. */
  pending: number;
  /** The database has a migration newer than this build knows (a downgrade). */
  newerThanBuild: boolean;
}

/**
 * Compares the `created_at` stamps of a journal (`__drizzle_migrations`) with the migrations
 * in `folder`: drizzle applies those stamped later than the newest row, so that is what
 * counts as pending (either database).
 */
export function journalStatus(folder: string, applied: readonly number[]): JournalStatus {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const newest = applied.reduce((m, x) => Math.max(m, x), -Infinity);
  const newestKnown = migrations.reduce((m, x) => Math.max(m, x.folderMillis), -Infinity);
  return { known: migrations.length, applied: applied.length, pending: migrations.filter((x) => x.folderMillis > newest).length, newerThanBuild: newest > newestKnown };
}
