import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { buildSnapshot } from "../../testing";
import { writeBatch } from "../ingest/writer";
import { FakeClock, HOUR_MS, MINUTE_MS } from "./types";
import { openStore, type Store } from "./store";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned
const PEER = "0a:11:22:33:00:00"; // station 0 of the builder

describe("rollups and retention (fake clock)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let clock: FakeClock;
  let seq = 0;
  const put = (ts: number, signal: number, boot = "boot-0001") =>
    writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node: "n1", boot, seq: ++seq, ts, signal, profile: { stations: 1 } }) }], ts);

  beforeEach(async () => {
    dir = tempDir("mf-retention-");
    clock = new FakeClock(T0);
    seq = 0;
    // Each minute rolled up on its own (the default rolls up 10 at a time: the last test).
    store = openStore({ file: `${dir.path}/c.sqlite`, clock, rollupEveryMs: MINUTE_MS, retention: { rawMs: 48 * HOUR_MS, minuteMs: 30 * 24 * HOUR_MS, hourMs: 365 * 24 * HOUR_MS } });
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("rolls raw signal up per minute (min/avg/max/count), per hour, and prunes by age", async () => {
    // minute 0: -40, -50, -60, -70, -44, -56; minute 1: -80 x6
    for (const [i, s] of [-40, -50, -60, -70, -44, -56].entries()) await put(T0 + i * 10_000, s);
    for (let i = 0; i < 6; i++) await put(T0 + MINUTE_MS + i * 10_000, -80);
    // Not rolled up before the minute ended plus the grace time (2 min).
    clock.set(T0 + 3 * MINUTE_MS + 59_999);
    expect((await store.maintenance.run(clock.now())).minuteBuckets).toBe(1);
    clock.set(T0 + 4 * MINUTE_MS);
    expect((await store.maintenance.run(clock.now())).minuteBuckets).toBe(1);
    expect((await store.rowCounts()).rollups_minute).toBe(2);

    const minute = await store.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + 2 * MINUTE_MS, step: MINUTE_MS });
    expect(minute.source).toBe("minute");
    expect(minute.points).toEqual([
      { ts: T0, min: -70, avg: -53.333, max: -40, count: 6 },
      { ts: T0 + MINUTE_MS, min: -80, avg: -80, max: -80, count: 6 },
    ]);
    // A 2-minute step merges the two minute rollups.
    expect((await store.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + 2 * MINUTE_MS, step: 2 * MINUTE_MS })).points).toEqual([
      { ts: T0, min: -80, avg: -66.667, max: -40, count: 12 },
    ]);

    // A late snapshot (agent buffer drained after an outage) in an already rolled-up minute is folded in.
    await put(T0 + 30_000 + 1, -90, "boot-before-restart");
    await store.maintenance.run(clock.now());
    expect((await store.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + MINUTE_MS, step: MINUTE_MS })).points).toEqual([
      { ts: T0, min: -90, avg: -58.571, max: -40, count: 7 },
    ]);

    // 49 h later: raw samples older than 48 h are pruned, except the node's latest row (its current state).
    clock.set(T0 + 49 * HOUR_MS);
    const r = await store.maintenance.run(clock.now());
    expect(r.prunedRaw).toBe(12);
    expect((await store.rowCounts()).raw_snapshots).toBe(1);
    expect((await store.telemetry.latest("n1"))!.state.seq).toBe(12);
    expect((await store.rowCounts()).rollups_hour).toBe(1);
    const hour = await store.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + HOUR_MS, step: HOUR_MS });
    expect(hour.source).toBe("hour");
    expect(hour.points).toEqual([{ ts: T0, min: -90, avg: -68.462, max: -40, count: 13 }]);
    // Raw gone (but the current state's row), the minute rollups still answer.
    expect((await store.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + 2 * MINUTE_MS, step: 0 })).points).toEqual([
      { ts: T0 + MINUTE_MS + 50_000, min: -80, avg: -80, max: -80, count: 1 },
    ]);
    expect((await store.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + 2 * MINUTE_MS, step: MINUTE_MS })).points).toHaveLength(2);

    // 31 days: minute rollups pruned, hour rollups kept; 366 days: hour rollups pruned too.
    clock.set(T0 + 31 * 24 * HOUR_MS);
    expect((await store.maintenance.run(clock.now())).prunedMinute).toBe(2);
    expect((await store.rowCounts()).rollups_hour).toBe(1);
    clock.set(T0 + 366 * 24 * HOUR_MS);
    expect((await store.maintenance.run(clock.now())).prunedHour).toBe(1);
    expect(await store.rowCounts()).toMatchObject({ rollups_minute: 0, rollups_hour: 0, raw_snapshots: 1 });
  });

  it("never prunes raw rows that are not rolled up yet", async () => {
    for (let i = 0; i < 30; i++) await put(T0 + i * 1000, -50);
    await put(T0 + 5 * MINUTE_MS, -50);
    await put(T0 + 5 * MINUTE_MS + 1000, -50);
    // Everything is past retention but the minute rollup has never run for the last row's minute.
    const tiny = openStore({ file: `${dir.path}/c.sqlite`, clock, rollupEveryMs: MINUTE_MS, retention: { rawMs: 1000 } });
    try {
      const r = await tiny.maintenance.run(T0 + 5 * MINUTE_MS + 30_000);
      expect(r.prunedRaw).toBe(30);
      // minute 5 is not rolled up yet (grace): both its rows stay although older than the retention
      expect((await tiny.rowCounts()).raw_snapshots).toBe(2);
      expect((await tiny.rowCounts()).rollups_minute).toBe(1);
    } finally {
      tiny.close();
    }
  });

  it("by default rolls minutes up and prunes them 10 at a time, and answers history the same", async () => {
    const lean = openStore({ file: `${dir.path}/lean.sqlite`, clock, retention: { minuteMs: HOUR_MS } });
    const fine = openStore({ file: `${dir.path}/fine.sqlite`, clock, rollupEveryMs: MINUTE_MS, retention: { minuteMs: HOUR_MS } });
    try {
      const both = [fine, lean];
      for (let i = 0; i < 6 * 95; i++) {
        const msg = buildSnapshot({ node: "n1", boot: "boot-0001", seq: i + 1, ts: T0 + i * 10_000, signal: -50 - (i % 7), profile: { stations: 1 } });
        for (const s of both) await writeBatch(s, [{ kind: "snapshot", msg }], msg.ts);
      }
      // Until the first minutes are pruned (each store prunes at its own pace), from the start.
      const ask = (s: Store, from: number) => Promise.all([MINUTE_MS, 5 * MINUTE_MS, 0].map((step) => s.history({ node: "n1", metric: "signal", key: PEER, from, to: T0 + 95 * MINUTE_MS, step })));
      const watermarks: (number | null)[] = [];
      for (const at of [15, 19, 22, 64, 95]) {
        clock.set(T0 + at * MINUTE_MS);
        for (const s of both) await s.maintenance.run(clock.now());
        watermarks.push((await lean.maintenance.watermarks()).minute);
        const from = T0 + (at > 60 ? 40 : 0) * MINUTE_MS;
        expect(await ask(lean, from)).toEqual(await ask(fine, from));
      }
      // Minutes that ended 2 min (the grace) ago, in whole 10 minutes.
      expect(watermarks.map((w) => (w! - T0) / MINUTE_MS)).toEqual([10, 10, 20, 60, 90]);
      // Retention of minute rollups (1 h at +95 min) drops whole 10 minutes too: minutes 30..89 stay.
      expect((await lean.rowCounts()).rollups_minute).toBe(60);
    } finally {
      lean.close();
      fine.close();
    }
  });
});
