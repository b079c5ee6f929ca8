import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import pg from "pg";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate as sqliteMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as pgMigrate } from "drizzle-orm/node-postgres/migrator";
import { migrationsFolder, pgMigrationsFolder } from "@meshfleet/migrations";
import { createTestDatabase, postgresForSuite, type TestDatabase } from "../../testing/pg";

const CONFIG = JSON.stringify({ radios: [], interfaces: [] });

/**
 * A copy of `folder` whose journal stops before the wireless history migration (the entries
 * before it only: drizzle skips a migration older than the last one applied, so a later one
 * left in would make the upgrade skip the wireless history).
 */
function previous(folder: string, dir: string): string {
  const out = join(dir, "previous");
  cpSync(folder, out, { recursive: true });
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith("_wireless_history"));
  if (at < 0) throw new Error(`no wireless history migration in ${folder}`);
  writeFileSync(join(out, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return out;
}

/**
 * A database of the previous schema upgrades to the wireless history without losing the
 * nodes' latest configs: each becomes the first row of its node's history.
 */
const pgHere = await postgresForSuite("wireless config history upgrade");

describe("wireless config history: upgrade of an existing database", () => {
  let dir = "";
  let db: TestDatabase | null = null;
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
    db = null;
  });

  it("SQLite", () => {
    dir = mkdtempSync(join(tmpdir(), "mf-wh-upgrade-"));
    const sqlite = new Database(join(dir, "old.sqlite"));
    try {
      const orm = drizzle(sqlite);
      sqliteMigrate(orm, { migrationsFolder: previous(migrationsFolder, dir) });
      sqlite.prepare("INSERT INTO node_wireless (node_id, ts, config) VALUES ('ap-a', 1000, ?), ('ap-b', 2000, ?)").run(CONFIG, CONFIG);
      sqliteMigrate(orm, { migrationsFolder });
      expect(sqlite.prepare("SELECT node_id, ts, config FROM node_wireless ORDER BY node_id").all()).toEqual([
        { node_id: "ap-a", ts: 1000, config: CONFIG },
        { node_id: "ap-b", ts: 2000, config: CONFIG },
      ]);
      expect(sqlite.prepare("SELECT node_id, ts, config FROM node_wireless_history ORDER BY node_id").all()).toEqual([
        { node_id: "ap-a", ts: 1000, config: CONFIG },
        { node_id: "ap-b", ts: 2000, config: CONFIG },
      ]);
    } finally {
      sqlite.close();
    }
  });

  it.skipIf(!pgHere)("PostgreSQL", async () => {
    dir = mkdtempSync(join(tmpdir(), "mf-wh-upgrade-pg-"));
    db = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      const orm = drizzlePg(pool);
      await pgMigrate(orm, { migrationsFolder: previous(pgMigrationsFolder, dir) });
      await pool.query("INSERT INTO node_wireless (node_id, ts, config) VALUES ('ap-a', 1000, $1), ('ap-b', 2000, $1)", [CONFIG]);
      await pgMigrate(orm, { migrationsFolder: pgMigrationsFolder });
      const rows = (await pool.query<{ node_id: string; ts: string; config: string }>("SELECT node_id, ts, config FROM node_wireless_history ORDER BY node_id")).rows;
      expect(rows.map((r) => [r.node_id, Number(r.ts), r.config])).toEqual([
        ["ap-a", 1000, CONFIG],
        ["ap-b", 2000, CONFIG],
      ]);
      expect((await pool.query("SELECT count(*)::int AS n FROM node_wireless")).rows).toEqual([{ n: 2 }]);
    } finally {
      await pool.end();
    }
  });
});
