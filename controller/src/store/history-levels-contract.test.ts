import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildSnapshot } from "../../testing";
import { storeBackends } from "../../testing/store-backends";
import { FakeClock, HOUR_MS, MINUTE_MS, QUARTER_MS } from "./types";
import type { StoreApi } from "./store-api";
import { levelFor, MAX_ROLLUP_ROWS } from "./series";
import { writeBatch } from "../ingest/writer";

/**
 * A known series rolled up by maintenance and read back at every level, on every store:
 * one snapshot a minute for two hours, the station's signal -40 - (minute % 30) dBm.
 */
const backends = await storeBackends("history levels contract");

const T0 = 1_800_000_000_000; // a whole hour
const PEER = "0a:11:22:33:00:00"; // station 0 of the builder
const DAY = 24 * HOUR_MS;
const signalAt = (minute: number) => -40 - (minute % 30);

describe("levelFor", () => {
  it("answers from the coarsest level that divides the step, and from a coarser one past MAX_ROLLUP_ROWS of its buckets", () => {
    expect(MAX_ROLLUP_ROWS).toBe(2_880);
    expect(levelFor(30_000, DAY)).toEqual({ source: "raw", step: 30_000 });
    expect(levelFor(5 * MINUTE_MS, 2 * DAY)).toEqual({ source: "minute", step: 5 * MINUTE_MS });
    expect(levelFor(5 * MINUTE_MS, 2 * DAY + MINUTE_MS)).toEqual({ source: "quarter", step: QUARTER_MS });
    expect(levelFor(5 * MINUTE_MS, 30 * DAY)).toEqual({ source: "quarter", step: QUARTER_MS });
    expect(levelFor(20 * MINUTE_MS, 30 * DAY)).toEqual({ source: "quarter", step: 30 * MINUTE_MS });
    expect(levelFor(30 * MINUTE_MS, DAY)).toEqual({ source: "quarter", step: 30 * MINUTE_MS });
    expect(levelFor(5 * MINUTE_MS, 31 * DAY)).toEqual({ source: "hour", step: HOUR_MS });
    expect(levelFor(2 * HOUR_MS, 365 * DAY)).toEqual({ source: "hour", step: 2 * HOUR_MS });
  });
});

describe.each(backends)("history levels contract: $backend.name", ({ backend, skip }) => {
  let store: StoreApi;
  const clock = new FakeClock(T0);
  let seq = 0;
  const put = async (ts: number, signal: number) =>
    writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node: "n1", seq: ++seq, ts, signal, profile: { stations: 1 } }) }], ts + 5);
  const history = (from: number, to: number, step: number) => store.history({ node: "n1", metric: "signal", key: PEER, from, to, step });
  /** Two hours of one snapshot a minute, rolled up to the end of the second hour. */
  const twoHours = async () => {
    for (let m = 0; m < 120; m++) await put(T0 + m * MINUTE_MS + 5_000, signalAt(m));
    await store.maintenance.run(T0 + 2 * HOUR_MS + 2 * MINUTE_MS);
  };
  // Quarters 0 and 2 of an hour hold minutes % 30 of 0..14, quarters 1 and 3 of 15..29.
  const low = { min: -54, avg: -47, max: -40, count: 15 };
  const high = { min: -69, avg: -62, max: -55, count: 15 };

  beforeEach(async () => {
    if (skip) return;
    seq = 0;
    clock.set(T0);
    store = await backend.open(clock);
  });
  afterEach(async () => {
    if (!skip) await store.close();
    await backend.reset();
  });

  it.skipIf(skip)("reads a known series back at 5 minutes, 15 minutes and 1 hour, each from its level", async () => {
    await twoHours();
    expect(await store.maintenance.watermarks()).toEqual({ minute: T0 + 2 * HOUR_MS, quarter: T0 + 2 * HOUR_MS, hour: T0 + 2 * HOUR_MS });
    const five = await history(T0, T0 + HOUR_MS, 5 * MINUTE_MS);
    expect(five).toMatchObject({ source: "minute", step: 5 * MINUTE_MS });
    expect(five.points).toHaveLength(12);
    expect(five.points.slice(0, 4)).toEqual([
      { ts: T0, min: -44, avg: -42, max: -40, count: 5 },
      { ts: T0 + 5 * MINUTE_MS, min: -49, avg: -47, max: -45, count: 5 },
      { ts: T0 + 10 * MINUTE_MS, min: -54, avg: -52, max: -50, count: 5 },
      { ts: T0 + 15 * MINUTE_MS, min: -59, avg: -57, max: -55, count: 5 },
    ]);
    const quarter = await history(T0, T0 + 2 * HOUR_MS, QUARTER_MS);
    expect(quarter).toMatchObject({ source: "quarter", step: QUARTER_MS });
    expect(quarter.points).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((q) => ({ ts: T0 + q * QUARTER_MS, ...(q % 2 === 0 ? low : high) })));
    const hour = await history(T0, T0 + 2 * HOUR_MS, HOUR_MS);
    expect(hour).toMatchObject({ source: "hour", step: HOUR_MS });
    expect(hour.points).toEqual([
      { ts: T0, min: -69, avg: -54.5, max: -40, count: 60 },
      { ts: T0 + HOUR_MS, min: -69, avg: -54.5, max: -40, count: 60 },
    ]);
    const series = await store.series({ node: "n1", metric: "signal", from: T0, to: T0 + HOUR_MS, step: QUARTER_MS, limit: 10, maxSeries: 5 });
    expect(series).toMatchObject({ source: "quarter", step: QUARTER_MS, ts: [0, 1, 2, 3].map((q) => T0 + q * QUARTER_MS), series: [{ key: PEER, values: [-47, -62, -47, -62] }] });
  });

  it.skipIf(skip)("answers a 5-minute step over 30 days at 15 minutes from the quarters, and over 60 days at 1 hour", async () => {
    await twoHours();
    const month = await history(T0 + 2 * HOUR_MS - 30 * DAY, T0 + 2 * HOUR_MS, 5 * MINUTE_MS);
    expect(month).toMatchObject({ source: "quarter", step: QUARTER_MS });
    expect(month.points).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((q) => ({ ts: T0 + q * QUARTER_MS, ...(q % 2 === 0 ? low : high) })));
    const twoMonths = await history(T0 + 2 * HOUR_MS - 60 * DAY, T0 + 2 * HOUR_MS, 5 * MINUTE_MS);
    expect(twoMonths).toMatchObject({ source: "hour", step: HOUR_MS });
    expect(twoMonths.points.map((p) => p.count)).toEqual([60, 60]);
  });

  it.skipIf(skip)("completes a level from finer data: a partial first quarter from minutes, the span not rolled up from raw rows", async () => {
    await twoHours();
    await put(T0 + 2 * HOUR_MS + 30_000, -90);
    const head = await history(T0 + 7 * MINUTE_MS, T0 + HOUR_MS, QUARTER_MS);
    expect(head.source).toBe("quarter");
    expect(head.points).toEqual([
      { ts: T0, min: -54, avg: -50.5, max: -47, count: 8 },
      { ts: T0 + QUARTER_MS, ...high },
      { ts: T0 + 2 * QUARTER_MS, ...low },
      { ts: T0 + 3 * QUARTER_MS, ...high },
    ]);
    const tail = await history(T0 + 105 * MINUTE_MS, T0 + 2 * HOUR_MS + QUARTER_MS, QUARTER_MS);
    expect(tail.points).toEqual([
      { ts: T0 + 105 * MINUTE_MS, ...high },
      { ts: T0 + 2 * HOUR_MS, min: -90, avg: -90, max: -90, count: 1 },
    ]);
  });

  it.skipIf(skip)("folds a late snapshot into its quarter and hour again", async () => {
    await twoHours();
    await put(T0 + 10_000, -100);
    await store.maintenance.run(T0 + 2 * HOUR_MS + 2 * MINUTE_MS);
    expect((await history(T0, T0 + QUARTER_MS, QUARTER_MS)).points).toEqual([{ ts: T0, min: -100, avg: -50.312, max: -40, count: 16 }]);
    expect((await history(T0, T0 + HOUR_MS, HOUR_MS)).points).toEqual([{ ts: T0, min: -100, avg: -55.246, max: -40, count: 61 }]);
  });

  it.skipIf(skip)("adds a late snapshot to a minute whose raw rows retention pruned, and re-folds its quarter and hour", async () => {
    await store.close();
    store = await backend.open(clock, { rawMs: HOUR_MS });
    // Minute 5 holds 7 samples: -45 (twoHours) and -46 .. -51.
    for (let k = 1; k <= 6; k++) await put(T0 + 5 * MINUTE_MS + 5_000 + k * 8_000, -45 - k);
    // n2's only snapshot, in minute 6: its current row, kept by retention, folded once.
    await writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node: "n2", seq: 1, ts: T0 + 6 * MINUTE_MS, signal: -60, profile: { stations: 1 } }) }], T0 + 6 * MINUTE_MS);
    await twoHours();
    expect((await store.rowCounts()).raw_snapshots).toBeLessThan(70);
    const minute5 = { ts: T0 + 5 * MINUTE_MS, min: -51, avg: -48, max: -45, count: 7 };
    expect((await history(T0 + 5 * MINUTE_MS, T0 + 6 * MINUTE_MS, MINUTE_MS)).points).toEqual([minute5]);
    // The highest seq of its boot: n1's current row from now on, kept by retention.
    const late = buildSnapshot({ node: "n1", seq: ++seq, ts: T0 + 5 * MINUTE_MS + 59_000, signal: -100, profile: { stations: 1 } });
    await writeBatch(store, [{ kind: "snapshot", msg: late }], T0 + 2 * HOUR_MS + 3 * MINUTE_MS);
    await store.maintenance.run(T0 + 2 * HOUR_MS + 4 * MINUTE_MS);
    expect((await history(T0 + 5 * MINUTE_MS, T0 + 6 * MINUTE_MS, MINUTE_MS)).points).toEqual([{ ...minute5, min: -100, avg: -54.5, count: 8 }]);
    expect((await history(T0 + 4 * MINUTE_MS, T0 + 5 * MINUTE_MS, MINUTE_MS)).points).toEqual([{ ts: T0 + 4 * MINUTE_MS, min: -44, avg: -44, max: -44, count: 1 }]);
    expect((await history(T0, T0 + QUARTER_MS, QUARTER_MS)).points).toEqual([{ ts: T0, min: -100, avg: -49.818, max: -40, count: 22 }]);
    expect((await history(T0, T0 + HOUR_MS, HOUR_MS)).points).toEqual([{ ts: T0, min: -100, avg: -54.642, max: -40, count: 67 }]);
    const n2 = { ts: T0 + 6 * MINUTE_MS, min: -60, avg: -60, max: -60, count: 1 };
    const n2Minute6 = () => store.history({ node: "n2", metric: "signal", key: PEER, from: T0 + 6 * MINUTE_MS, to: T0 + 7 * MINUTE_MS, step: MINUTE_MS });
    expect((await n2Minute6()).points).toEqual([n2]);
    // A later redo over the same minutes folds neither kept row again.
    await put(T0 + 5 * MINUTE_MS + 1_000, -30);
    await store.maintenance.run(T0 + 2 * HOUR_MS + 6 * MINUTE_MS);
    expect((await history(T0 + 5 * MINUTE_MS, T0 + 6 * MINUTE_MS, MINUTE_MS)).points).toEqual([{ ...minute5, min: -100, max: -30, avg: -51.778, count: 9 }]);
    expect((await n2Minute6()).points).toEqual([n2]);
  });

  it.skipIf(skip)("fills the quarters of a database rolled up before they existed, from its oldest minute", async () => {
    await twoHours();
    await store.sql.run("DELETE FROM rollups_quarter");
    await store.sql.run("DELETE FROM store_meta WHERE key = 'rollup.quarter.next'");
    expect((await store.rowCounts()).rollups_quarter).toBe(0);
    const r = await store.maintenance.run(T0 + 2 * HOUR_MS + 2 * MINUTE_MS);
    expect(r.quarterBuckets).toBe(8);
    expect((await store.maintenance.watermarks()).quarter).toBe(T0 + 2 * HOUR_MS);
    expect((await history(T0, T0 + 2 * HOUR_MS, QUARTER_MS)).points).toHaveLength(8);
  });
});
