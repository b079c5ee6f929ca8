import { describe, expect, it } from "vitest";
import { isLateSnapshot, stepNodeSeen, tickNodes } from "./nodes";

describe("node presence", () => {
  it("goes online on the first snapshot, offline after 3 missed intervals, online again, and notices a reboot", () => {
    const a = stepNodeSeen({}, { node: "r1", boot: "boot-a", ts: 1000, seq: 1, intervalMs: 10_000, uptimeSec: 50 }, 1100);
    expect(a.events).toEqual([{ code: "node_online", node: "r1", ts: 1000, subject: "node:r1", before: null, after: { boot: "boot-a" } }]);
    expect(tickNodes(a.state, 1100 + 30_000).events).toEqual([]);
    const off = tickNodes(a.state, 1100 + 30_001);
    expect(off.events).toEqual([{ code: "node_offline", node: "r1", ts: 31_101, subject: "node:r1", before: { lastSeenTs: 1000 }, after: null }]);
    expect(tickNodes(off.state, 100_000).events).toEqual([]);
    const back = stepNodeSeen(off.state, { node: "r1", boot: "boot-b", ts: 90_000, seq: 1, intervalMs: 10_000, uptimeSec: 12 }, 90_050);
    expect(back.events).toEqual([
      { code: "node_online", node: "r1", ts: 90_000, subject: "node:r1", before: { lastSeenTs: 1000 }, after: { boot: "boot-b" } },
      { code: "node_rebooted", node: "r1", ts: 90_000, subject: "node:r1", before: { boot: "boot-a" }, after: { boot: "boot-b", uptimeSec: 12 } },
    ]);
  });

  it("uses the configured number of intervals", () => {
    const a = stepNodeSeen({}, { node: "r1", boot: "boot-a", ts: 0, seq: 1, intervalMs: 1000, uptimeSec: null }, 0);
    expect(tickNodes(a.state, 5001, 5).events.map((e) => e.code)).toEqual(["node_offline"]);
    expect(tickNodes(a.state, 5000, 5).events).toEqual([]);
  });

  it("knows a snapshot of the current boot at or below the last seq handled as late (a redelivery), and every other as new", () => {
    const obs = (boot: string, seq: number, ts: number) => ({ node: "r1", boot, ts, seq, intervalMs: 10_000, uptimeSec: null });
    let state = stepNodeSeen({}, obs("boot-a", 7, 70_000), 70_000).state;
    state = stepNodeSeen(state, obs("boot-a", 9, 90_000), 90_100).state;
    expect(state.r1!.lastSeq).toBe(9);
    // Redelivered: seq 8 and 9 again (the batch after 8 went through first).
    expect([8, 9, 10].map((seq) => isLateSnapshot(state, { node: "r1", boot: "boot-a", seq }))).toEqual([true, true, false]);
    // Another boot (seq counts from 1 again), another node, or state saved before seq was kept: never late.
    expect(isLateSnapshot(state, { node: "r1", boot: "boot-b", seq: 1 })).toBe(false);
    expect(isLateSnapshot(state, { node: "r2", boot: "boot-a", seq: 1 })).toBe(false);
    expect(isLateSnapshot({ r1: { ...state.r1!, lastSeq: undefined } }, { node: "r1", boot: "boot-a", seq: 8 })).toBe(false);
    // A late one handled anyway keeps the highest seq; a reboot starts over.
    expect(stepNodeSeen({ ...state }, obs("boot-a", 8, 80_000), 95_000).state.r1!.lastSeq).toBe(9);
    expect(stepNodeSeen({ ...state }, obs("boot-b", 1, 100_000), 100_000).state.r1!.lastSeq).toBe(1);
  });
});
