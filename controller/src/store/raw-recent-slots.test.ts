import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { tempDir } from "@meshfleet/testkit";
import { buildSnapshot } from "../../testing";
import { writeBatch } from "../ingest/writer";
import { FakeClock, HOUR_MS, MINUTE_MS } from "./types";
import { openStore, type Store } from "./store";
import { RAW_RECENT_SLOTS, slotOf } from "./raw-recent-slots";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned: 30-minute windows start at T0
const PROFILE = { stations: 3, meshPaths: 2, routes: 3, counters: 2, neighbors: 1 };

describe("recent raw rows: one table per window slot", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let clock: FakeClock;
  const put = (node: string, seq: number, ts: number) =>
    writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node, boot: "boot-0001", seq, ts, profile: PROFILE, signal: (s) => -50 - s - (seq % 5) }) }], ts + 3);
  /** Rows per slot table, with ids. */
  const slots = () => RAW_RECENT_SLOTS.map((t) => store.db.all<{ id: number }>(sql.raw(`SELECT id FROM ${t} ORDER BY id`)).map((r) => r.id));
  const answers = () =>
    Promise.all(["n1", "n2"].map(async (node) => ({
      range: await store.telemetry.range(node, T0 - HOUR_MS, T0 + 2 * HOUR_MS),
      at: await Promise.all([T0 + 5_001, T0 + 29 * MINUTE_MS, T0 + 45 * MINUTE_MS].map((t) => store.telemetry.at(node, t))),
      newest: await store.telemetry.newest(node, T0, T0 + 2 * HOUR_MS, 7),
      latest: await store.telemetry.latest(node),
    })));

  beforeEach(async () => {
    dir = tempDir("mf-slots-");
    clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    // n1 sends every 10 s for 50 minutes; n2 for the first 20 minutes, then falls silent:
    // its current row is in the first window, written against the window's first row.
    for (let i = 0; i < 300; i++) {
      const ts = T0 + i * 10_000;
      await put("n1", i + 1, ts);
      if (i < 120) await put("n2", i + 1, ts + 1);
    }
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("puts a row in the slot of its window", () => {
    expect(slotOf(T0)).not.toBe(slotOf(T0 + 30 * MINUTE_MS));
    expect(slotOf(T0 + 90 * MINUTE_MS)).toBe(slotOf(T0));
    const counts = slots().map((ids) => ids.length);
    expect(counts[slotOf(T0)]).toBe(180 + 120);
    expect(counts[slotOf(T0 + 30 * MINUTE_MS)]).toBe(120);
  });

  it("empties a packed window's slot at once; the current row of a silent node moves with its id and reads the same", async () => {
    const before = await answers();
    const current = (await store.telemetry.stateOf("n2"))!.rawId;
    clock.set(T0 + 50 * MINUTE_MS);
    const r = await store.maintenance.run(clock.now());
    // the first window but n2's current row went into blocks
    expect(r.packedRows).toBe(180 + 119);
    const after = slots();
    expect(after[slotOf(T0)]).toEqual([]);
    expect(after[slotOf(T0 + 30 * MINUTE_MS)]).toContain(current);
    expect(await answers()).toEqual(before);
    // n2 comes back: its rows read with the moved one
    await put("n2", 121, T0 + 50 * MINUTE_MS);
    expect((await store.telemetry.range("n2", T0 + 19 * MINUTE_MS, T0 + HOUR_MS)).map((x) => x.seq)).toEqual([115, 116, 117, 118, 119, 120, 121]);
    expect((await store.rowCounts()).raw_snapshots).toBe(120 + 1 + 1);
  });

  it("counts every node's minutes of a span from the index as reading its rows does, a minute split over two slots once", async () => {
    const recent = store.sync.telemetry.recentRows;
    const read = (node: string, from: number, to: number) => new Set(recent.range(node, from, to).map((r) => Math.floor(r.ts / MINUTE_MS))).size;
    clock.set(T0 + 50 * MINUTE_MS);
    await store.maintenance.run(clock.now());
    // n2's current row (minute 19) moved to the next window's slot; a late row of minute 19 goes to its own window's slot
    await put("n2", 200, T0 + 19 * MINUTE_MS + 30_000);
    const spans = [[T0, T0 + HOUR_MS], [T0 + 19 * MINUTE_MS, T0 + 20 * MINUTE_MS], [T0 + 30 * MINUTE_MS + 5_000, T0 + 45 * MINUTE_MS], [T0, T0]] as const;
    for (const [from, to] of spans) {
      const counted = recent.minutes(from, to);
      for (const node of ["n1", "n2"]) expect(counted.get(node) ?? 0).toBe(read(node, from, to));
    }
    expect(recent.minutes(T0, T0 + HOUR_MS)).toEqual(new Map([["n1", 20], ["n2", 1]]));
  });

  it("a slot emptied in a transaction that fails is left whole (nothing lost or doubled)", async () => {
    clock.set(T0 + 50 * MINUTE_MS);
    const t = store.sync.telemetry;
    const copied = new Set(t.packWindows("n1", T0 + 30 * MINUTE_MS).concat(t.packWindows("n2", T0 + 30 * MINUTE_MS)));
    const before = await answers();
    const rows = slots();
    expect(() =>
      store.transactionSync(() => {
        expect(t.recentRows.clearSlot(slotOf(T0), copied)).toHaveLength(299);
        throw new Error("power cut");
      }),
    ).toThrow("power cut");
    expect(slots()).toEqual(rows);
    expect(await answers()).toEqual(before);
    // the next pass finishes the job
    await store.maintenance.run(clock.now());
    expect(slots()[slotOf(T0)]).toEqual([]);
    expect(await answers()).toEqual(before);
  });

  it("rows of every window in raw_recent (a database from before the slots) read the same, and are packed and freed", async () => {
    // n1's second window is not in its slot: as every row of a database written before the slots.
    const before = await answers();
    const other = RAW_RECENT_SLOTS[slotOf(T0 + 30 * MINUTE_MS)]!;
    store.db.run(sql.raw(`INSERT INTO raw_recent SELECT * FROM ${other}`));
    store.db.run(sql.raw(`DELETE FROM ${other}`));
    store.close();
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    expect(slots()[0]).toHaveLength(420);
    expect(await answers()).toEqual(before);
    await put("n1", 301, T0 + 50 * MINUTE_MS);
    const sent = await answers();
    clock.set(T0 + 75 * MINUTE_MS);
    expect((await store.maintenance.run(clock.now())).packedRows).toBe(300 + 119);
    // both windows went into blocks but the nodes' current rows; raw_recent is empty
    expect((await store.rowCounts()).raw_snapshots).toBe(2);
    expect(slots()[0]).toEqual([]);
    expect(await answers()).toEqual(sent);
    expect((await store.telemetry.range("n1", T0, T0 + HOUR_MS)).map((x) => x.seq)).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
  });

  it("leaves a slot that holds mostly rows that stay to the row-by-row delete", async () => {
    const t = store.sync.telemetry;
    const ids = slots()[slotOf(T0)]!;
    const rows = slots();
    expect(store.transactionSync(() => t.recentRows.clearSlot(slotOf(T0), new Set(ids.slice(0, 10))))).toEqual([]);
    expect(slots()).toEqual(rows);
  });
});
