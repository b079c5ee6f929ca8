import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, migrationsFolder, schema } from "./index";

interface Journal {
  dialect: string;
  entries: { idx: number; when: number; tag: string }[];
}

const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as Journal;

describe("migration journal", () => {
  it("is sqlite with consecutive indexes and strictly increasing timestamps", () => {
    expect(journal.dialect).toBe("sqlite");
    expect(journal.entries.length).toBeGreaterThan(0);
    journal.entries.forEach((e, i) => expect(e.idx).toBe(i));
    for (let i = 1; i < journal.entries.length; i++) {
      const prev = journal.entries[i - 1]!;
      const cur = journal.entries[i]!;
      // drizzle skips a migration stamped earlier than the newest applied one.
      expect(cur.when, `${cur.tag} must be stamped after ${prev.tag}`).toBeGreaterThan(prev.when);
    }
  });

  it("has a SQL file for every entry", () => {
    for (const e of journal.entries) {
      expect(readFileSync(join(migrationsFolder, `${e.tag}.sql`), "utf8").length).toBeGreaterThan(0);
    }
  });
});

describe("migrate", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates a fresh SQLite file, twice without harm", () => {
    dir = mkdtempSync(join(tmpdir(), "mf-migrations-"));
    const file = join(dir, "fresh.sqlite");
    const sqlite = new Database(file);
    try {
      const db = drizzle(sqlite, { schema });
      migrate(db);
      migrate(db);
      const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      for (const t of ["nodes", "node_macs", "node_addresses", "node_state", "raw_snapshots", "rollups_minute", "rollups_hour", "store_meta"]) {
        expect(tables).toContain(t);
      }
      const applied = sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
      expect(applied.n).toBe(journal.entries.length);
      sqlite.prepare("INSERT INTO nodes (id, first_seen, last_seen) VALUES (?, ?, ?)").run("node-a", 1, 2);
      expect(sqlite.prepare("SELECT capabilities, tags FROM nodes WHERE id = 'node-a'").get()).toEqual({ capabilities: "[]", tags: "[]" });
    } finally {
      sqlite.close();
    }
  });
});
