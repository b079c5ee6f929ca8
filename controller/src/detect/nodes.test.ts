import { describe, expect, it } from "vitest";
import { stepNodeSeen, tickNodes } from "./nodes";

describe("node presence", () => {
  it("goes online on the first snapshot, offline after 3 missed intervals, online again, and notices a reboot", () => {
    const a = stepNodeSeen({}, { node: "r1", boot: "boot-a", ts: 1000, intervalMs: 10_000, uptimeSec: 50 }, 1100);
    expect(a.events).toEqual([{ code: "node_online", node: "r1", ts: 1000, subject: "node:r1", before: null, after: { boot: "boot-a" } }]);
    expect(tickNodes(a.state, 1100 + 30_000).events).toEqual([]);
    const off = tickNodes(a.state, 1100 + 30_001);
    expect(off.events).toEqual([{ code: "node_offline", node: "r1", ts: 31_101, subject: "node:r1", before: { lastSeenTs: 1000 }, after: null }]);
    expect(tickNodes(off.state, 100_000).events).toEqual([]);
    const back = stepNodeSeen(off.state, { node: "r1", boot: "boot-b", ts: 90_000, intervalMs: 10_000, uptimeSec: 12 }, 90_050);
    expect(back.events).toEqual([
      { code: "node_online", node: "r1", ts: 90_000, subject: "node:r1", before: { lastSeenTs: 1000 }, after: { boot: "boot-b" } },
      { code: "node_rebooted", node: "r1", ts: 90_000, subject: "node:r1", before: { boot: "boot-a" }, after: { boot: "boot-b", uptimeSec: 12 } },
    ]);
  });

  it("uses the configured number of intervals", () => {
    const a = stepNodeSeen({}, { node: "r1", boot: "boot-a", ts: 0, intervalMs: 1000, uptimeSec: null }, 0);
    expect(tickNodes(a.state, 5001, 5).events.map((e) => e.code)).toEqual(["node_offline"]);
    expect(tickNodes(a.state, 5000, 5).events).toEqual([]);
  });
});
