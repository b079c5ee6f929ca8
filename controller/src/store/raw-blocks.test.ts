import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { buildSnapshot } from "../../testing";
import { writeBatch } from "../ingest/writer";
import { FakeClock, HOUR_MS, MINUTE_MS } from "./types";
import { openStore, type Store } from "./store";
import { applyDiff, decodeBlock, diffValue, encodeBlock } from "./raw-block";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned, so 30-minute windows start at T0
const PEER = "0a:11:22:33:00:00";
const NODES = ["n1", "n2"];
const PROFILE = { stations: 3, meshPaths: 2, routes: 3, counters: 2, neighbors: 1 };

describe("raw blocks: diff codec", () => {
  it("round-trips integers as differences and everything else literally", async () => {
    const prev = { a: [1, -5, 2.5, "x", null], b: 7, c: [[1, 2]] };
    const cur = { a: [3, 2.25, 2.75, "y", 4], b: null, c: [[1, 2, 3]], d: 9 };
    expect(diffValue(prev, cur)).toEqual({ a: [2, { "=": 2.25 }, 2.75, { "=": "y" }, 4], b: { "=": null }, c: [[0, 0, 3]], d: 9 });
    expect(applyDiff(prev, diffValue(prev, cur))).toEqual(cur);
    const rows = [0, 1, 2].map((i) => ({ id: 10 + i * 3, boot: "b", seq: i + 1, ts: T0 + i * 10_000, receivedAt: T0 + i * 10_000 + 7, data: buildPacked(i) }));
    expect(decodeBlock(encodeBlock(rows))).toEqual(rows);
  });
});

function buildPacked(i: number) {
  return { st: [["wlan0", PEER, -50 - i, -51, 300.5, 200, null, 10, null, null]], ct: [["named:inet:fw4:x", 1000 * i, 10 ** 12 + i, i === 0 ? null : 0.125, 1e3]], dr: 0 } as never;
}

describe("raw blocks: packing closed windows (fake clock)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let clock: FakeClock;
  const put = (node: string, seq: number, ts: number, boot = "boot-0001") =>
    writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node, boot, seq, ts, profile: PROFILE, signal: (s) => -50 - s - ((seq * 7 + s) % 5), counterBytes: (c) => seq * seq * 100 * (c + 1) }) }], ts + 3).then((r) => r[0]);

  /** Every read of raw history callers use, over the whole run. */
  const answers = () =>
    Promise.all(NODES.map(async (node) => ({
      range: await store.telemetry.range(node, T0 - HOUR_MS, T0 + 2 * HOUR_MS),
      rangeMiddle: await store.telemetry.range(node, T0 + 29 * MINUTE_MS, T0 + 31 * MINUTE_MS + 1),
      at: await Promise.all([T0 - 1, T0, T0 + 5_001, T0 + 30 * MINUTE_MS - 1, T0 + 30 * MINUTE_MS, T0 + 59 * MINUTE_MS + 55_000, T0 + 2 * HOUR_MS].map((t) => store.telemetry.at(node, t))),
      newest: await Promise.all([1, 7, 200, 1000].map((n) => store.telemetry.newest(node, T0 + 10 * MINUTE_MS, T0 + 65 * MINUTE_MS, n))),
      byId: await Promise.all([1, 2, 50, 333].map((id) => store.telemetry.rawById(id))),
      latest: await store.telemetry.latest(node),
      history: await store.history({ node, metric: "signal", key: PEER, from: T0, to: T0 + 75 * MINUTE_MS, step: 0 }),
      history20s: await store.history({ node, metric: "counterByteRate", key: "named:inet:fw4:counter-1", from: T0 + 25 * MINUTE_MS, to: T0 + 35 * MINUTE_MS, step: 20_000 }),
      series: await store.series({ node, metric: "signal", from: T0, to: T0 + 75 * MINUTE_MS, step: 0, limit: 50, maxSeries: 10 }),
      seriesAll: await store.series({ node, metric: "txBitrate", from: T0, to: T0 + 75 * MINUTE_MS, step: 0, limit: 5000, maxSeries: 10 }),
    })));

  beforeEach(async () => {
    dir = tempDir("mf-blocks-");
    clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    // 75 minutes of two nodes every 10 s: windows [T0, +30 min) and [+30, +60 min) close, the rest stays recent.
    for (let i = 0; i < 900; i++) await put(NODES[i % 2]!, Math.floor(i / 2) + 1, T0 + Math.floor(i / 2) * 10_000 + (i % 2));
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("answers every raw read identically before and after the closed windows are packed", async () => {
    const before = await answers();
    expect(before[0]!.range).toHaveLength(450);
    expect(before[0]!.history.points).toHaveLength(450);
    clock.set(T0 + 75 * MINUTE_MS);
    const r = await store.maintenance.run(clock.now());
    // Minutes up to +73 are rolled up, so both 30-minute windows of both nodes are packed.
    expect(r.packedRows).toBe(2 * 360);
    expect(await store.rowCounts()).toMatchObject({ raw_blocks: 4, raw_snapshots: 900 - 720 });
    expect(await answers()).toEqual(before);
  });

  it("drops a redelivered packed snapshot, merges a late one into its block, and answers alike before and after", async () => {
    clock.set(T0 + 75 * MINUTE_MS);
    await store.maintenance.run(clock.now());
    // Redelivery of seq 5 of n1 (in the first block): a duplicate, not a second row.
    expect(await put("n1", 5, T0 + 4 * 10_000)).toBe("duplicate");
    // A late snapshot from an earlier boot (agent buffer drained) lands in the packed first window.
    expect(await put("n1", 3, T0 + 10 * MINUTE_MS + 5_000, "boot-0000")).toBe("accepted");
    expect((await store.rowCounts()).raw_snapshots).toBe(181);
    const before = await answers();
    expect(before[0]!.range).toHaveLength(451);
    expect(before[0]!.range[61]).toMatchObject({ boot: "boot-0000", seq: 3, ts: T0 + 10 * MINUTE_MS + 5_000 });
    const r = await store.maintenance.run(clock.now());
    expect(r.packedRows).toBe(1);
    expect(await store.rowCounts()).toMatchObject({ raw_blocks: 4, raw_snapshots: 180 });
    expect(await answers()).toEqual(before);
    // The minute it landed in was rolled up again from the block (7 signals instead of 6).
    const minute = await store.history({ node: "n1", metric: "signal", key: PEER, from: T0 + 10 * MINUTE_MS, to: T0 + 11 * MINUTE_MS, step: MINUTE_MS });
    expect(minute.source).toBe("minute");
    expect(minute.points[0]!.count).toBe(7);
  });

  it("a pass stopped after copying rows into blocks (before deleting them) loses and repeats nothing", async () => {
    clock.set(T0 + 75 * MINUTE_MS);
    const before = await answers();
    const copied = NODES.flatMap((n) => store.sync.telemetry.packWindows(n, T0 + HOUR_MS));
    expect(copied).toHaveLength(720);
    expect(await store.rowCounts()).toMatchObject({ raw_blocks: 4, raw_snapshots: 900 });
    expect(await answers()).toEqual(before);
    // Restarted: the next pass copies the same rows again (into blocks that hold them) and deletes them.
    store.close();
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    expect(await answers()).toEqual(before);
    expect((await store.maintenance.run(clock.now())).packedRows).toBe(720);
    expect(await store.rowCounts()).toMatchObject({ raw_blocks: 4, raw_snapshots: 180 });
    expect(await answers()).toEqual(before);
  });

  it("a node's row written against a packed row stays whole when the node sends again between copy and delete", async () => {
    // n3: seq 1 (full) and 2..5 (deltas against seq 1) in the first window; seq 5 is its current row, so not copied.
    for (let seq = 1; seq <= 5; seq++) await put("n3", seq, T0 + (seq - 1) * 10_000 + 5);
    clock.set(T0 + 75 * MINUTE_MS);
    const t = store.sync.telemetry;
    const copied = t.packWindows("n3", T0 + HOUR_MS);
    expect(copied).toHaveLength(4);
    await put("n3", 6, T0 + 75 * MINUTE_MS);
    const before = await store.telemetry.range("n3", T0, T0 + 2 * HOUR_MS);
    expect(before.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    store.transactionSync(() => t.dropPacked(t.dropOrder(copied)));
    expect(await store.telemetry.range("n3", T0, T0 + 2 * HOUR_MS)).toEqual(before);
    await store.maintenance.run(clock.now());
    expect(await store.telemetry.range("n3", T0, T0 + 2 * HOUR_MS)).toEqual(before);
    expect((await store.telemetry.latest("n3"))!.raw!.seq).toBe(6);
  });

  it("retention drops whole blocks and keeps each node's current state", async () => {
    clock.set(T0 + 75 * MINUTE_MS);
    await store.maintenance.run(clock.now());
    clock.set(T0 + 48 * HOUR_MS + 45 * MINUTE_MS);
    // The cutoff (+45 min) is inside the second window: only the first window's blocks go;
    // the third window (+60 to +75 min) is closed now and packed, but each node's latest row.
    let r = await store.maintenance.run(clock.now());
    expect(r).toMatchObject({ prunedBlocks: 2, prunedRaw: 0, packedRows: 2 * 89 });
    expect(await store.rowCounts()).toMatchObject({ raw_blocks: 4, raw_snapshots: 2 });
    expect(await store.telemetry.at("n1", T0 + 29 * MINUTE_MS)).toBeNull();
    expect((await store.telemetry.at("n1", T0 + 31 * MINUTE_MS - 1))!.ts).toBe(T0 + 30 * MINUTE_MS + 50_000);
    clock.set(T0 + 50 * HOUR_MS);
    r = await store.maintenance.run(clock.now());
    expect(r).toMatchObject({ prunedBlocks: 4, prunedRaw: 0, packedRows: 0 });
    expect(await store.rowCounts()).toMatchObject({ raw_blocks: 0, raw_snapshots: 2 });
    expect((await store.telemetry.latest("n2"))!.raw!.seq).toBe(450);
    expect((await store.telemetry.range("n1", 0, T0 + 3 * HOUR_MS)).map((x) => x.seq)).toEqual([450]);
  });
});
