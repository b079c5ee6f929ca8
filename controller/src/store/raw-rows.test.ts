import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { migrationsFolder } from "@meshfleet/migrations";
import { tempDir } from "@meshfleet/testkit";
import { sql } from "drizzle-orm";
import { buildSnapshot } from "../../testing";
import { FakeClock } from "./types";
import { NEW_DATABASE_PAGE_SIZE, openStore, type Store } from "./store";
import { counterBaseOf, pack, PACK_FORMAT } from "./pack";
import { DEFLATED, DELTA, DICT, dictionaryOf } from "./raw-recent-repo";
import { RAW_RECENT_SLOTS } from "./raw-recent-slots";
import { BLOCK_MS, diffValue } from "./raw-block";

describe("recent raw rows", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const clock = new FakeClock(1_700_000_000_000);
  const rowOf = (seq: number) => store.db.get<{ id: number; fmt: number; baseId: number | null; data: Buffer }>(sql`SELECT id, fmt, base_id AS baseId, data FROM (${sql.raw(RAW_RECENT_SLOTS.map((t) => `SELECT * FROM ${t}`).join(" UNION ALL "))}) WHERE seq = ${seq}`);

  beforeEach(async () => {
    dir = tempDir("mf-raw-rows-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("are stored deflated (within one page for the bench profile) and read back as packed", async () => {
    const s = buildSnapshot({ node: "ap-1", seq: 1, ts: 10_000 });
    await store.transaction(() => store.telemetry.write(s, 10_500));
    const row = rowOf(1);
    expect(row).toMatchObject({ fmt: PACK_FORMAT | DEFLATED, baseId: null });
    expect(Buffer.isBuffer(row.data)).toBe(true);
    expect(row.data.length).toBeLessThan(JSON.stringify(pack(s, null)).length / 3);
    expect((await store.telemetry.rawById(row.id))?.data).toEqual(pack(s, null));
  });

  it("are deltas against their window's first row; a new window, a restart or a rolled-back base start with a full row", async () => {
    const snap = (seq: number, ts: number) => buildSnapshot({ node: "ap-1", seq, ts, signal: (i) => -50 - i - (seq % 3) });
    const put = (seq: number, ts: number) => store.transaction(() => store.telemetry.write(snap(seq, ts), ts + 100));
    const W = BLOCK_MS;
    // A rolled-back first row leaves no base behind.
    await expect(store.transaction(async () => (await store.telemetry.write(snap(1, W), W), Promise.reject(new Error("boom"))))).rejects.toThrow("boom");
    await put(1, W);
    await put(2, W + 10_000);
    await put(3, W + 20_000);
    expect(rowOf(1)).toMatchObject({ fmt: PACK_FORMAT | DEFLATED, baseId: null });
    expect(rowOf(2)).toMatchObject({ fmt: PACK_FORMAT | DEFLATED | DELTA | DICT, baseId: rowOf(1).id });
    expect(rowOf(3).baseId).toBe(rowOf(1).id);
    expect(rowOf(3).data.length).toBeLessThan(rowOf(1).data.length / 4);
    // The base's layout as preset dictionary: a third smaller than the delta deflated alone.
    const delta = JSON.stringify(diffValue(pack(snap(1, W), null), pack(snap(3, W + 20_000), null)));
    expect(rowOf(3).data.length).toBeLessThan((deflateRawSync(delta).length * 3) / 4);
    await put(4, 2 * W);
    expect(rowOf(4).baseId).toBeNull();
    store.close();
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    await put(5, 2 * W + 10_000);
    expect(rowOf(5).baseId).toBeNull();
    await put(6, 2 * W + 20_000);
    expect(rowOf(6).baseId).toBe(rowOf(5).id);
    const rows = await store.telemetry.range("ap-1", 0, 3 * W);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Counter rates are computed against the previous row, as without deltas.
    const bases = new Map<number, ReturnType<typeof pack>>();
    let prev: ReturnType<typeof pack> | null = null;
    for (const [i, r] of rows.entries()) {
      const ts = [W, W + 10_000, W + 20_000, 2 * W, 2 * W + 10_000, 2 * W + 20_000][i]!;
      const expected = pack(snap(i + 1, ts), prev ? counterBaseOf(rows[i - 1]!.ts, prev) : null);
      expect(r.data).toEqual(expected);
      bases.set(r.id, expected);
      prev = expected;
    }
    for (const [id, data] of bases) expect((await store.telemetry.rawById(id))?.data).toEqual(data);
  });

  it("deltas written before the dictionary (no DICT flag) are still read", async () => {
    const snap = (seq: number, ts: number) => buildSnapshot({ node: "ap-1", seq, ts, signal: (i) => -50 - i - (seq % 3) });
    const W = BLOCK_MS;
    await store.transaction(() => store.telemetry.write(snap(1, W), W + 100));
    await store.transaction(() => store.telemetry.write(snap(2, W + 10_000), W + 10_100));
    const [first, second] = [rowOf(1), rowOf(2)];
    const expected = (await store.telemetry.rawById(second.id))!.data;
    const base = (await store.telemetry.rawById(first.id))!.data;
    const old = deflateRawSync(JSON.stringify(diffValue(base, expected)));
    const withDict = deflateRawSync(JSON.stringify(diffValue(base, expected)), { dictionary: dictionaryOf(base) });
    expect(second.data).toEqual(withDict);
    for (const t of RAW_RECENT_SLOTS) store.db.run(sql`UPDATE ${sql.raw(t)} SET fmt = ${PACK_FORMAT | DEFLATED | DELTA}, data = ${old} WHERE id = ${second.id}`);
    expect(rowOf(2).fmt).toBe(PACK_FORMAT | DEFLATED | DELTA);
    expect((await store.telemetry.rawById(second.id))?.data).toEqual(expected);
    expect((await store.telemetry.range("ap-1", 0, 2 * W)).map((r) => r.data)).toEqual([base, expected]);
  });

  it("rows stored before this layout (raw_snapshots, deflated or JSON text) are moved by the migration and still read", async () => {
    // A database at the migration before raw_recent, holding rows as they were written then.
    const file = `${dir.path}/old.sqlite`;
    const folder = `${dir.path}/migrations`;
    cpSync(migrationsFolder, folder, { recursive: true });
    const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as { entries: { tag: string }[] };
    const upTo = journal.entries.findIndex((e) => e.tag.startsWith("0008_"));
    writeFileSync(`${folder}/meta/_journal.json`, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
    const old = new Database(file);
    migrateSqlite(drizzle(old), { migrationsFolder: folder });
    const a = buildSnapshot({ node: "ap-1", seq: 1, ts: 10_000 });
    const b = buildSnapshot({ node: "ap-1", seq: 2, ts: 20_000 });
    const insert = old.prepare("INSERT INTO raw_snapshots (id, node_id, boot, seq, ts, received_at, fmt, data) VALUES (?, 'ap-1', ?, ?, ?, ?, ?, ?)");
    insert.run(7, a.boot, 1, 10_000, 10_500, PACK_FORMAT | DEFLATED, deflateRawSync(JSON.stringify(pack(a, null))));
    insert.run(8, b.boot, 2, 20_000, 20_500, PACK_FORMAT, JSON.stringify(pack(b, null)));
    old.prepare("INSERT INTO node_state (node_id, ts, received_at, boot, seq, interval_ms, raw_id, stations, peers, mesh_paths, neighbors, routes, counters, errors) VALUES ('ap-1', 20000, 20500, ?, 2, 10000, 8, 0, 0, 0, 0, 0, 0, 0)").run(b.boot);
    old.close();
    const s = openStore({ file, clock });
    try {
      const rows = await s.telemetry.range("ap-1", 0, 30_000);
      expect(rows.map((r) => [r.id, r.seq, r.ts, r.data])).toEqual([
        [7, 1, 10_000, pack(a, null)],
        [8, 2, 20_000, pack(b, null)],
      ]);
      expect((await s.telemetry.latest("ap-1"))?.raw?.data).toEqual(pack(b, null));
      expect((await s.telemetry.at("ap-1", 15_000))?.id).toBe(7);
      expect((await s.rowCounts()).raw_snapshots).toBe(2);
      expect(s.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM raw_snapshots`).n).toBe(0);
    } finally {
      s.close();
    }
  });

  it("a new database gets small pages; an existing one keeps its own", () => {
    const pageSize = (s: Store) => s.db.get<{ page_size: number }>(sql`PRAGMA page_size`).page_size;
    expect(pageSize(store)).toBe(NEW_DATABASE_PAGE_SIZE);
    const old = new Database(`${dir.path}/old.sqlite`);
    old.pragma("page_size = 4096");
    old.pragma("journal_mode = WAL");
    old.exec("CREATE TABLE t (x)");
    old.close();
    const reopened = openStore({ file: `${dir.path}/old.sqlite`, clock });
    expect(pageSize(reopened)).toBe(4096);
    reopened.close();
  });
});
