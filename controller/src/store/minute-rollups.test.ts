import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { buildSnapshot } from "../../testing";
import { writeBatch } from "../ingest/writer";
import { foldRollups, foldSnapshots, type AggMap } from "./rollup-fold";
import { minutesOfHour } from "./rollup-hour-codec";
import { openStore, type Store, type StoreOptions } from "./store";
import { FakeClock, HOUR_MS, MINUTE_MS, QUARTER_MS } from "./types";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned
const PEER = "0a:11:22:33:00:00"; // station 0 of the builder
/** Snapshot i of a node is at T0 + i x 10 s with signal -50 - (i mod 7). */
const signal = (i: number) => -50 - (i % 7);

/** What minute m's rollup holds, computed here from the samples: 6 of them, i = 6m .. 6m + 5. */
function minutePoint(m: number, extra: number[] = []) {
  const v = [0, 1, 2, 3, 4, 5].map((k) => signal(6 * m + k)).concat(extra);
  const sum = v.reduce((a, b) => a + b, 0);
  return { ts: T0 + m * MINUTE_MS, min: Math.min(...v), avg: Math.round((sum / v.length) * 1000) / 1000, max: Math.max(...v), count: v.length };
}

const END = T0 + 100 * MINUTE_MS;
const NODES = ["n1", "n2", "n3"];
/** Node n's snapshot i: n + 1 stations (n3 only from minute 20 on), signals that move with the node, the round and the station. */
const snapshotOf = (n: number, i: number) =>
  buildSnapshot({ node: NODES[n]!, boot: "boot-0001", seq: i + 1, ts: T0 + i * 10_000 + n * 1_000, signal: (k) => -40 - n - ((i * 3 + k) % 11), profile: { stations: n + 1 } });
const rounds = (END - T0) / 10_000;
const sends = Array.from({ length: rounds * NODES.length }, (_, j) => ({ n: j % NODES.length, i: Math.floor(j / NODES.length) })).filter(({ n, i }) => n < 2 || i >= 120);
/** A snapshot of n1 that arrives late, in the first hour's minute 45 (rolled up into the hour's row and packed by then, its raw rows kept). */
const late = buildSnapshot({ node: "n1", boot: "boot-0000", seq: 1, ts: T0 + 45 * MINUTE_MS + 30_001, signal: -90, profile: { stations: 2 } });

describe("SQLite minute rollups: a closed hour is one row a node, the open hour folded from raw rows", () => {
  let dir: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  const open: Store[] = [];
  const storeAt = (name: string, o: Partial<StoreOptions> = {}) => {
    const s = openStore({ file: `${dir.path}/${name}.sqlite`, clock, ...o });
    open.push(s);
    return s;
  };
  const write = async (s: Store, node: string, from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const ts = T0 + i * 10_000;
      await writeBatch(s, [{ kind: "snapshot", msg: buildSnapshot({ node, boot: "boot-0001", seq: i + 1, ts, signal: signal(i), profile: { stations: 1 } }) }], ts);
    }
  };
  const minutes = (s: Store, from: number, to: number) => s.history({ node: "n1", metric: "signal", key: PEER, from: T0 + from * MINUTE_MS, to: T0 + to * MINUTE_MS, step: MINUTE_MS });
  const count = async (s: Store, table: string) => Number((await s.sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const layout = async (s: Store) => [await count(s, "rollups_minute"), await count(s, "rollups_minute_hours")];
  const send = (s: Store, msg: ReturnType<typeof buildSnapshot>) => writeBatch(s, [{ kind: "snapshot", msg }], msg.ts);
  const plain = (rows: Iterable<{ bucket: number; data: AggMap }>) => [...rows].map((r) => ({ bucket: r.bucket, data: r.data }));

  /** The store's minutes, quarters and hours of every node, and its raw rows from `rawFrom`, against the reference's. */
  const expectLevelsAsReference = (s: Store, ref: Store, rawFrom: number) => {
    const w = s.sync.maintenance.watermarks();
    expect(w).toMatchObject({ minute: T0 + 90 * MINUTE_MS, quarter: T0 + 90 * MINUTE_MS, hour: T0 + HOUR_MS });
    for (const node of NODES) {
      const minutes = foldSnapshots(ref.sync.telemetry.range(node, T0, w.minute!), MINUTE_MS);
      expect(plain(s.sync.minutes.range(node, T0, w.minute!))).toEqual(plain([...minutes].map(([bucket, data]) => ({ bucket, data }))));
      for (const [level, ms, to] of [["quarter", QUARTER_MS, w.quarter!], ["hour", HOUR_MS, w.hour!]] as const) {
        expect(plain(s.sync.rollups.range(level, node, T0, to))).toEqual(plain([...foldRollups(plain([...minutes].map(([bucket, data]) => ({ bucket, data }))), ms)].filter(([b]) => b < to).map(([bucket, data]) => ({ bucket, data }))));
      }
      const raw = (x: Store) => [...x.sync.telemetry.range(node, rawFrom, END)].map((r) => ({ ts: r.ts, seq: r.seq, data: r.data }));
      expect(raw(s)).toEqual(raw(ref));
    }
  };


  beforeEach(() => {
    dir = tempDir("mf-minute-hours-");
    clock = new FakeClock(T0);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    dir.cleanup();
  });

  it("writes nothing for the open hour, then one row a node when it closes, read back as the per-minute rows were", async () => {
    const s = storeAt("c");
    for (const node of ["n1", "n2"]) await write(s, node, 0, 6 * 70);
    await s.maintenance.run(T0 + 55 * MINUTE_MS);
    expect(await s.maintenance.watermarks()).toMatchObject({ minute: T0 + 50 * MINUTE_MS });
    expect(await layout(s)).toEqual([0, 0]);
    expect((await s.rowCounts()).rollups_minute).toBe(2 * 50);
    expect((await minutes(s, 0, 2)).points).toEqual([minutePoint(0), minutePoint(1)]);

    const r = await s.maintenance.run(T0 + 75 * MINUTE_MS);
    expect(r.minuteBuckets).toBe(2 * 20);
    expect(await s.maintenance.watermarks()).toMatchObject({ minute: T0 + 70 * MINUTE_MS, hour: T0 + HOUR_MS });
    expect(await layout(s)).toEqual([0, 2]);
    const [row] = await s.sql.query<{ data: Buffer }>("SELECT data FROM rollups_minute_hours WHERE node_id = 'n1' AND bucket = $1", [T0]);
    expect(minutesOfHour(T0, row!.data)).toHaveLength(60);
    expect((await s.rowCounts()).rollups_minute).toBe(2 * 70);
    // Every minute as the raw rows fold it, across the closed hour and the open one.
    const fromRaw = [...foldSnapshots(s.sync.telemetry.range("n1", T0, T0 + 70 * MINUTE_MS), MINUTE_MS)].map(([bucket, data]) => ({ bucket, data }));
    expect([...s.sync.minutes.range("n1", T0, T0 + 70 * MINUTE_MS)]).toEqual(fromRaw);
    expect((await minutes(s, 0, 70)).points).toEqual(Array.from({ length: 70 }, (_, m) => minutePoint(m)));
    const hour = await s.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + HOUR_MS, step: HOUR_MS });
    expect(hour).toMatchObject({ source: "hour", points: [{ ts: T0, min: -56, max: -50, count: 360 }] });
  });

  it("loses nothing when the controller restarts mid-hour: the open hour's raw rows are still there", async () => {
    const a = storeAt("restart");
    await write(a, "n1", 0, 6 * 30);
    await a.maintenance.run(T0 + 25 * MINUTE_MS);
    a.close();
    const b = storeAt("restart");
    await write(b, "n1", 6 * 30, 6 * 70);
    await b.maintenance.run(T0 + 75 * MINUTE_MS);
    expect(await count(b, "rollups_minute_hours")).toBe(1);
    expect((await minutes(b, 0, 70)).points).toEqual(Array.from({ length: 70 }, (_, m) => minutePoint(m)));
  });

  it("stores minutes whose raw rows retention drops before their hour closes, then moves them into the hour's row", async () => {
    const s = storeAt("short-raw", { rollupEveryMs: MINUTE_MS, retention: { rawMs: 10 * MINUTE_MS } });
    await write(s, "n1", 0, 6 * 65);
    await s.maintenance.run(T0 + 40 * MINUTE_MS);
    // raw rows before minute 30 are pruned: minutes 0..29 stored one by one first
    expect(await count(s, "rollups_minute")).toBe(30);
    expect((await minutes(s, 0, 38)).points).toEqual(Array.from({ length: 38 }, (_, m) => minutePoint(m)));
    await s.maintenance.run(T0 + 70 * MINUTE_MS);
    expect(await layout(s)).toEqual([0, 1]);
    expect((await minutes(s, 0, 68)).points).toEqual(Array.from({ length: 65 }, (_, m) => minutePoint(m)));
  });

  it("stores those minutes in whole rollupEveryMs (10 min), read as before, a late snapshot among them folded in", async () => {
    const s = storeAt("short-raw-chunks", { retention: { rawMs: 10 * MINUTE_MS } });
    await write(s, "n1", 0, 6 * 65);
    for (let t = 12 * MINUTE_MS; t <= 35 * MINUTE_MS; t += 30_000) await s.maintenance.run(T0 + t);
    // the raw cutoff is at minute 25, the minute watermark at 30: minutes 0..29 are stored
    expect(await count(s, "rollups_minute")).toBe(30);
    expect((await minutes(s, 0, 30)).points).toEqual(Array.from({ length: 30 }, (_, m) => minutePoint(m)));
    const ts = T0 + 27 * MINUTE_MS + 30_001;
    await writeBatch(s, [{ kind: "snapshot", msg: buildSnapshot({ node: "n1", boot: "boot-0000", seq: 1, ts, signal: -90, profile: { stations: 1 } }) }], ts);
    await s.maintenance.run(T0 + 35 * MINUTE_MS + 30_000);
    expect((await minutes(s, 26, 29)).points).toEqual([minutePoint(26), minutePoint(27, [-90]), minutePoint(28)]);
    await s.maintenance.run(T0 + 70 * MINUTE_MS);
    expect(await layout(s)).toEqual([0, 1]);
    expect((await minutes(s, 0, 60)).points).toEqual(Array.from({ length: 60 }, (_, m) => minutePoint(m, m === 27 ? [-90] : [])));
  });

  it("folds a late snapshot into its closed hour's row", async () => {
    const s = storeAt("late");
    await write(s, "n1", 0, 6 * 65);
    await s.maintenance.run(T0 + 75 * MINUTE_MS);
    const ts = T0 + 5 * MINUTE_MS + 30_001;
    await writeBatch(s, [{ kind: "snapshot", msg: buildSnapshot({ node: "n1", boot: "boot-0000", seq: 1, ts, signal: -90, profile: { stations: 1 } }) }], ts);
    await s.maintenance.run(T0 + 75 * MINUTE_MS);
    expect(await layout(s)).toEqual([0, 1]);
    expect((await minutes(s, 4, 7)).points).toEqual([minutePoint(4), minutePoint(5, [-90]), minutePoint(6)]);
    const hour = await s.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + HOUR_MS, step: HOUR_MS });
    expect(hour.points).toMatchObject([{ min: -90, count: 361 }]);
  });

  it("reads a database upgraded mid-hour (a row per minute so far) and moves its minutes into the hour's row", async () => {
    const s = storeAt("upgraded");
    await write(s, "n1", 0, 6 * 70);
    // What the store wrote before: minutes 0..19 one row each, the minute watermark after them.
    for (const [bucket, data] of foldSnapshots(s.sync.telemetry.range("n1", T0, T0 + 20 * MINUTE_MS), MINUTE_MS)) s.sync.rollups.put("minute", "n1", bucket, data);
    s.sync.rollups.setNumber("rollup.minute.next", T0 + 20 * MINUTE_MS);
    expect((await minutes(s, 0, 20)).points).toEqual(Array.from({ length: 20 }, (_, m) => minutePoint(m)));
    await s.maintenance.run(T0 + 75 * MINUTE_MS);
    expect(await layout(s)).toEqual([0, 1]);
    expect((await minutes(s, 0, 70)).points).toEqual(Array.from({ length: 70 }, (_, m) => minutePoint(m)));
  });

  it("prunes minutes past their retention whatever row holds them, and deletes an hour's row once all of it is", async () => {
    const s = storeAt("retention", { retention: { minuteMs: HOUR_MS } });
    await write(s, "n1", 0, 6 * 140);
    // retention 1 h, in whole 10 minutes: minutes 0..9 go at +75 min, 10..29 at +95, from the hour's row
    expect((await s.maintenance.run(T0 + 75 * MINUTE_MS)).prunedMinute).toBe(10);
    let r = await s.maintenance.run(T0 + 95 * MINUTE_MS);
    expect(r.prunedMinute).toBe(20);
    expect((await s.rowCounts()).rollups_minute).toBe(60);
    expect((await minutes(s, 0, 35)).points).toEqual(Array.from({ length: 5 }, (_, m) => minutePoint(30 + m)));
    expect(await count(s, "rollups_minute_hours")).toBe(1);
    r = await s.maintenance.run(T0 + 135 * MINUTE_MS);
    expect(r.prunedMinute).toBe(40);
    expect(await count(s, "rollups_minute_hours")).toBe(1); // hour 1's; hour 0's row is gone
    expect((await minutes(s, 0, 75)).points.map((p) => (p.ts - T0) / MINUTE_MS)).toEqual([70, 71, 72, 73, 74]);
  });

  /**
   * Maintenance does the hour rows, the coarse levels, the minutes whose raw rows retention is
   * about to prune and the windows it packs node by node in one go, each node's raw rows decoded
   * and its minutes folded once for all of them. Whatever the passes share, every level must hold
   * what folding the raw rows gives: checked against a store that never ran maintenance.
   */
  it("a pass every 30 s and passes only at the end leave the same rows, a late snapshot folded into every level", async () => {
    const ref = storeAt("reference");
    const opts = { retention: { rawMs: HOUR_MS } };
    const often = storeAt("every-30s", opts);
    const once = storeAt("at-the-end", opts);
    let pass = T0 + 30_000;
    for (const { n, i } of sends) {
      const msg = snapshotOf(n, i);
      for (; pass <= msg.ts; pass += 30_000) await often.maintenance.run(pass);
      for (const s of [ref, often, once]) await send(s, msg);
    }
    await often.maintenance.run(END);
    // One pass at the end: the first hour's row, every quarter and the hour in one go; the
    // windows packed after retention pruned (rows of them are older than the raw cutoff).
    const r = await once.maintenance.run(END);
    expect(r).toMatchObject({ quarterBuckets: 6 + 6 + 5, hourBuckets: 3 });
    expect(r.prunedRaw).toBeGreaterThan(0);
    for (const s of [often, once]) expectLevelsAsReference(s, ref, END - HOUR_MS);

    for (const s of [ref, often, once]) await send(s, late);
    for (const s of [often, once]) await s.maintenance.run(END + 30_000);
    for (const s of [often, once]) expectLevelsAsReference(s, ref, END - HOUR_MS);
    const [hour] = plain(often.sync.rollups.range("hour", "n1", T0, T0 + HOUR_MS));
    expect(hour!.data[`signal|${late.stations.data!.stations[0]!.mac}`]).toMatchObject([-90, -40, expect.any(Number), 361]);
  });
});
