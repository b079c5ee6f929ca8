import { describe, expect, it } from "vitest";
import { snapshot as snapshotSchema } from "@meshfleet/shared";
import { Agent } from "../agent/agent";
import { CannedRouter } from "../../testing/canned-router";
import { silentLog } from "../log/index";
import { collectAll } from "./index";
import type { CollectContext, SlowCache } from "./types";

const SLOW = ["ubus call system board", "ubus call network.wireless status", "ubus call network.interface dump"];
const slowCalls = (r: CannedRouter) => r.calls.filter((c) => SLOW.includes(c)).sort();

describe("slow-changing collectors", () => {
  it("reuse board, wireless config and delegated prefixes between refreshes, stamped with when they were read", async () => {
    const router = new CannedRouter({ node: 4 });
    const slow: SlowCache = { refresh: true, now: 1000 };
    const ctx: CollectContext = { runner: router, timeoutMs: 1000, routing: "bird2", memo: {}, slow };
    const a = await collectAll(ctx);
    expect(slowCalls(router)).toEqual([...SLOW].sort());
    expect(a.sections.system.cachedFromTs).toBeUndefined();
    expect(a.sections.wireless.cachedFromTs).toBeUndefined();

    router.calls.length = 0;
    router.answers.set("cat /proc/uptime", "99.50 10.00\n");
    router.answers.set("ubus call network.interface dump", JSON.stringify({ interface: [] }));
    Object.assign(slow, { refresh: false, now: 2000 });
    const b = await collectAll(ctx);
    expect(slowCalls(router)).toEqual([]);
    expect(b.sections.system.data?.board).toEqual(a.sections.system.data?.board);
    expect(b.sections.system.data?.board?.hostname).toBe("r4");
    expect(b.sections.system.data?.delegatedPrefixes).toEqual(["2001:db8:1200::/56"]);
    expect(b.sections.system.data?.uptimeSec).toBe(99.5); // fresh
    expect(b.sections.system.cachedFromTs).toBe(1000);
    expect(b.sections.wireless.data).toEqual(a.sections.wireless.data);
    expect(b.sections.wireless.cachedFromTs).toBe(1000);

    Object.assign(slow, { refresh: true, now: 3000 });
    const c = await collectAll(ctx);
    expect(slowCalls(router)).toEqual([...SLOW].sort());
    expect(c.sections.system.data?.delegatedPrefixes).toEqual([]);
    expect(c.sections.system.cachedFromTs).toBeUndefined();
  });

  it("a failed read is not kept: it is tried again next cycle", async () => {
    const router = new CannedRouter();
    router.answers.set("ubus call system board", { throw: "not-found" });
    router.answers.set("ubus call network.wireless status", { stdout: "", stderr: "Command failed: Not found", exitCode: 4 });
    const slow: SlowCache = { refresh: true, now: 1 };
    const ctx: CollectContext = { runner: router, timeoutMs: 1000, routing: "bird2", memo: {}, slow };
    const a = await collectAll(ctx);
    expect(a.sections.system.data?.board).toBeNull();
    expect(a.sections.wireless.data).toBeNull();
    router.calls.length = 0;
    Object.assign(slow, { refresh: false, now: 2 });
    const b = await collectAll(ctx);
    expect(slowCalls(router)).toEqual(["ubus call network.wireless status", "ubus call system board"]);
    expect(b.sections.wireless.errors.map((e) => e.code)).toEqual(["E_COMMAND_FAILED"]);
    expect(b.sections.system.cachedFromTs).toBe(1); // only the prefixes were kept
  });

  it("the agent reads them on its first cycle and every n-th, and its snapshots validate", async () => {
    const router = new CannedRouter();
    let now = 1_700_000_000_000;
    const agent = new Agent({ nodeId: "r1", runner: router, clock: { now: () => now }, log: silentLog, intervalMs: 10_000, bufferSize: 5, mode: "local", agentVersion: "t", routing: "bird2", slowEvery: 3 });
    const perCycle: number[] = [];
    const snaps = [];
    for (let i = 0; i < 7; i++) {
      router.calls.length = 0;
      snaps.push(await agent.collectOnce());
      perCycle.push(slowCalls(router).length);
      now += 10_000;
    }
    expect(perCycle).toEqual([3, 0, 0, 3, 0, 0, 3]);
    expect(snaps.map((s) => s.wireless.cachedFromTs ?? null)).toEqual([null, 1_700_000_000_000, 1_700_000_000_000, null, 1_700_000_030_000, 1_700_000_030_000, null]);
    for (const s of snaps) expect(snapshotSchema.parse(JSON.parse(JSON.stringify(s)))).toEqual(JSON.parse(JSON.stringify(s)));

    const every = new Agent({ nodeId: "r1", runner: router, log: silentLog, intervalMs: 10_000, bufferSize: 5, mode: "local", agentVersion: "t", routing: "bird2", slowEvery: 1 });
    router.calls.length = 0;
    await every.collectOnce();
    await every.collectOnce();
    expect(slowCalls(router)).toHaveLength(6);
  });
});
