import { pgMigrationsFolder } from "@meshfleet/migrations";
import { redactUrl } from "./pg-store";
import { journalStatus, type JournalStatus } from "../sql/journal";

/** What `doctor` needs to know about a PostgreSQL store, read without changing anything. */
export interface PgInspection extends JournalStatus {
  /** The URL with its password masked. */
  url: string;
  /** The server's version (`server_version`). */
  version: string;
  /** The connected user may create tables in the database (serve migrates an empty one). */
  canCreate: boolean;
}

/**
 * Connects once (no pool), reads the server version, whether the user may create tables and
 * drizzle's migration journal (`drizzle.__drizzle_migrations`; none on a new database), and
 * disconnects. Errors name the URL with its password masked.
 */
export async function inspectPgDatabase(url: string, timeoutMs: number): Promise<PgInspection> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot connect to ${redactUrl(url)}: ${(err as Error).message}`);
  }
  try {
    const v = await client.query<{ version: string; can_create: boolean; journal: string | null }>(
      "select current_setting('server_version') as version, has_database_privilege(current_database(), 'CREATE') and has_schema_privilege('public', 'CREATE') as can_create, to_regclass('drizzle.__drizzle_migrations')::text as journal",
    );
    const row = v.rows[0]!;
    const applied = row.journal === null ? [] : (await client.query<{ at: string }>("select created_at::text as at from drizzle.__drizzle_migrations")).rows.map((r) => Number(r.at));
    return { url: redactUrl(url), version: row.version, canCreate: row.can_create, ...journalStatus(pgMigrationsFolder, applied) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
