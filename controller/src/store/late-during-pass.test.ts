import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { buildSnapshot } from "../../testing";
import { writeBatch } from "../ingest/writer";
import { openStore, type Store } from "./store";
import { FakeClock, HOUR_MS, MINUTE_MS } from "./types";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned
const PEER = "0a:11:22:33:00:00"; // station 0 of the builder
const snapshot = (boot: string, i: number, ts: number, signal: number) => buildSnapshot({ node: "n1", boot, seq: i + 1, ts, signal, profile: { stations: 1 } });

/**
 * A late snapshot that arrives while a maintenance pass runs (the pass pauses between its
 * transactions so that the ingest's batches interleave) must reach its minute's rollup as
 * one that arrives between passes does.
 */
describe("SQLite maintenance: a late snapshot written during a pass", () => {
  let dir: ReturnType<typeof tempDir>;
  let s: Store;
  beforeEach(() => {
    dir = tempDir("mf-late-pass-");
    s = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(T0) });
  });
  afterEach(() => {
    s.close();
    dir.cleanup();
  });

  it("is folded into its closed hour by the next pass, also when the pass was redoing an earlier minute", async () => {
    for (let i = 0; i < 6 * 70; i++) await writeBatch(s, [{ kind: "snapshot", msg: snapshot("boot-0001", i, T0 + i * 10_000, -50) }], T0 + i * 10_000);
    await s.maintenance.run(T0 + 75 * MINUTE_MS);
    expect(await s.maintenance.watermarks()).toMatchObject({ minute: T0 + 70 * MINUTE_MS });
    // A late snapshot in minute 10 of the closed hour: the next pass redoes from there.
    await writeBatch(s, [{ kind: "snapshot", msg: snapshot("boot-0000", 0, T0 + 10 * MINUTE_MS + 5_000, -90) }], T0 + 75 * MINUTE_MS);
    const pass = s.maintenance.run(T0 + 76 * MINUTE_MS);
    // The pass has read its redo mark and paused for the ingest: another late one, in minute 30, is written now.
    const late = snapshot("boot-0000", 1, T0 + 30 * MINUTE_MS + 5_000, -91);
    expect(s.sync.telemetry.write(late, T0 + 76 * MINUTE_MS)).toBe(true);
    s.sync.telemetry.settle(true);
    s.sync.maintenance.noteSnapshotTs(late.ts);
    await pass;
    await s.maintenance.run(T0 + 77 * MINUTE_MS);
    const minute = async (m: number) => (await s.history({ node: "n1", metric: "signal", key: PEER, from: T0 + m * MINUTE_MS, to: T0 + (m + 1) * MINUTE_MS, step: MINUTE_MS })).points;
    expect(await minute(10)).toEqual([{ ts: T0 + 10 * MINUTE_MS, min: -90, avg: -55.714, max: -50, count: 7 }]);
    expect(await minute(30)).toEqual([{ ts: T0 + 30 * MINUTE_MS, min: -91, avg: -55.857, max: -50, count: 7 }]);
    // The coarser levels were redone from it too: the first hour holds both late snapshots.
    const hour = await s.history({ node: "n1", metric: "signal", key: PEER, from: T0, to: T0 + HOUR_MS, step: HOUR_MS });
    expect(hour).toMatchObject({ source: "hour", points: [{ ts: T0, min: -91, max: -50, count: 362 }] });
  });
});
