import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate as drizzleMigrate } from "drizzle-orm/better-sqlite3/migrator";
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
      for (const t of ["nodes", "node_macs", "node_addresses", "node_state", "raw_snapshots", "rollups_minute", "rollups_minute_hours", "rollups_quarter", "rollups_hour", "store_meta"]) {
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

  it("upgrades a database of the previous migration without losing its rollups, and adds the quarter-hour table", () => {
    dir = mkdtempSync(join(tmpdir(), "mf-migrations-"));
    const previous = join(dir, "previous");
    cpSync(migrationsFolder, previous, { recursive: true });
    writeFileSync(join(previous, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.tag < "0009_rollups_quarter") }));
    const sqlite = new Database(join(dir, "old.sqlite"));
    try {
      const db = drizzle(sqlite, { schema });
      drizzleMigrate(db, { migrationsFolder: previous });
      const tables = () => (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
      expect(tables()).not.toContain("rollups_quarter");
      sqlite.prepare("INSERT INTO rollups_minute (node_id, bucket, data) VALUES ('n1', 60000, x'0601')").run();
      sqlite.prepare("INSERT INTO rollups_hour (node_id, bucket, data) VALUES ('n1', 0, x'0602')").run();
      migrate(db);
      expect(tables()).toContain("rollups_quarter");
      expect(sqlite.prepare("SELECT node_id, bucket, hex(data) AS data FROM rollups_minute UNION ALL SELECT node_id, bucket, hex(data) FROM rollups_hour").all()).toEqual([
        { node_id: "n1", bucket: 60000, data: "0601" },
        { node_id: "n1", bucket: 0, data: "0602" },
      ]);
    } finally {
      sqlite.close();
    }
  });

  it("upgrades a database from before the raw_recent slots without losing its recent rows, and adds the two slot tables", () => {
    dir = mkdtempSync(join(tmpdir(), "mf-migrations-"));
    const previous = join(dir, "previous");
    cpSync(migrationsFolder, previous, { recursive: true });
    writeFileSync(join(previous, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.tag < "0011_raw_recent_slots") }));
    const sqlite = new Database(join(dir, "old.sqlite"));
    try {
      const db = drizzle(sqlite, { schema });
      drizzleMigrate(db, { migrationsFolder: previous });
      const tables = () => (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
      expect(tables()).not.toContain("raw_recent_1");
      sqlite.prepare("INSERT INTO raw_recent (id, node_id, boot, seq, ts, received_at, base_id, fmt, data) VALUES (41, 'n1', 'b1', 7, 1800000, 1800003, NULL, 257, x'0a0b')").run();
      sqlite.prepare("INSERT INTO raw_recent (id, node_id, boot, seq, ts, received_at, base_id, fmt, data) VALUES (42, 'n1', 'b1', 8, 1810000, 1810003, 41, 769, x'0c')").run();
      migrate(db);
      expect(tables()).toEqual(expect.arrayContaining(["raw_recent", "raw_recent_1", "raw_recent_2"]));
      expect(sqlite.prepare("SELECT id, seq, ts, base_id, fmt, hex(data) AS data FROM raw_recent ORDER BY id").all()).toEqual([
        { id: 41, seq: 7, ts: 1800000, base_id: null, fmt: 257, data: "0A0B" },
        { id: 42, seq: 8, ts: 1810000, base_id: 41, fmt: 769, data: "0C" },
      ]);
    } finally {
      sqlite.close();
    }
  });
});
