import { describe, expect, it } from "vitest";
import { applyRecord, kernelStates, monitorLine, nexthopLine, stateOf, type IpRoute, type KernelChange } from "./kernel";
import type { Observation } from "./recorder";
import { churnPeak, convergenceBounds, referee, sampledChanges, seenOnlyUnsure, type RouteEv } from "./referee";

const P = "2001:db8:ff::/64";
const ch = (at: number, before: string, after: string, node = "r1"): KernelChange => ({ node, prefix: P, before, after, from: at - 200, at });
const ev = (ts: number, code: string, node = "r1"): RouteEv => ({ id: ts, code, node, prefix: P, ts });
const VIA2 = "via fe80::2%v12";
const VIA4 = "via fe80::4%v14";

describe("kernelStates (ip -6 -j route show)", () => {
  it("reads the best route: unicast via/dev, ECMP next hops, unreachable and missing as lost", () => {
    const json = JSON.stringify([
      { dst: "2001:db8:2::/64", gateway: "FE80::2", dev: "v12", protocol: "bird", metric: 32, flags: [] },
      { dst: "2001:db8:2::/64", gateway: "fe80::4", dev: "v14", protocol: "babel", metric: 1024, flags: [] },
      { type: "unreachable", dst: "2001:db8:5::/64", dev: "lo", protocol: "babel", metric: 4294967295, flags: [] },
      { dst: "2001:db8:3::/64", dev: "lan0", protocol: "kernel", metric: 256, flags: [] },
      { dst: "2001:db8:6::/64", metric: 32, nexthops: [{ gateway: "fe80::4", dev: "v14" }, { gateway: "fe80::2", dev: "v12" }] },
    ]);
    expect(kernelStates(json, ["2001:db8:2::/64", "2001:db8:3::/64", "2001:db8:5::/64", "2001:db8:6::/64", "2001:db8:7::/64"])).toEqual({
      "2001:db8:2::/64": "via fe80::2%v12",
      "2001:db8:3::/64": "dev lan0",
      "2001:db8:5::/64": "lost",
      "2001:db8:6::/64": "via fe80::2%v12,via fe80::4%v14",
      "2001:db8:7::/64": "lost",
    });
    expect(kernelStates("", [P])).toEqual({ [P]: "lost" });
  });
});

describe("monitor records (ip -6 monitor route, as the kernel reports each change)", () => {
  it("follows a multipath route, its replacement, a deletion and a return; a dead next hop does not count", () => {
    const P9 = "2001:db8:9::/64";
    // What `ip -6 monitor route` printed here for BIRD-like changes (multipath lines, then a replace, a delete, a re-add).
    const multipath = { deleted: false, route: { ...monitorLine(`${P9} proto bird metric 32 pref medium`)!.route, nexthops: [nexthopLine("\tnexthop via fe80::1 dev v12 weight 1 ")!, nexthopLine("\tnexthop via fe80::2 dev v14 weight 1 ")!] } };
    let routes: IpRoute[] = applyRecord([], multipath);
    expect(stateOf(routes, P9)).toBe("via fe80::1%v12,via fe80::2%v14");
    routes = applyRecord(routes, monitorLine(`${P9} via fe80::1 dev v12 proto bird metric 32 pref medium`)!);
    expect(stateOf(routes, P9)).toBe("via fe80::1%v12");
    routes = applyRecord(routes, monitorLine(`Deleted ${P9} via fe80::1 dev v12 proto bird metric 32 pref medium`)!);
    expect(stateOf(routes, P9)).toBe("lost");
    routes = applyRecord(routes, monitorLine(`unreachable ${P9} dev lo proto bird metric 64 pref medium`)!);
    expect(stateOf(routes, P9)).toBe("lost");
    routes = applyRecord(routes, monitorLine(`${P9} via fe80::2 dev v14 proto bird metric 32 pref medium`)!);
    expect(stateOf(routes, P9)).toBe("via fe80::2%v14");
    // BIRD 2 Babel: a retraction replaces the route by an unreachable one of the same metric, the return replaces it back; the monitor prints only the new route each time.
    routes = applyRecord(routes, monitorLine(`unreachable ${P9} dev lo proto bird metric 32 pref medium`)!);
    expect(stateOf(routes, P9)).toBe("lost");
    routes = applyRecord(routes, monitorLine(`${P9} via fe80::1 dev v12 proto bird metric 32 pref medium`)!);
    expect(stateOf(routes, P9)).toBe("via fe80::1%v12");
    expect(monitorLine(`${P9} via fe80::1 dev v12 table 100 proto bird metric 32`)).toBeNull();
    // After `ip link set v14 down` the kernel keeps a multipath route with the hop marked dead.
    const dead = { ...multipath, route: { ...multipath.route, nexthops: [nexthopLine("nexthop via fe80::1 dev v12 weight 1")!, nexthopLine("nexthop via fe80::2 dev v14 weight 1 dead linkdown")!] } };
    expect(stateOf(applyRecord([], dead), P9)).toBe("via fe80::1%v12");
    expect(nexthopLine(`${P9} via fe80::1 dev v12`)).toBeNull();
  });
});

describe("monitorLine (ip -6 monitor route)", () => {
  it("reads added, deleted and unreachable routes; skips what is not a route", () => {
    expect(monitorLine("2001:db8:2::/64 via fe80::2 dev v12 proto bird metric 32 pref medium")).toEqual({ deleted: false, route: { dst: "2001:db8:2::/64", gateway: "fe80::2", dev: "v12", metric: 32 } });
    expect(monitorLine("Deleted 2001:db8:ff::/64 dev lan0 proto kernel metric 256 pref medium")).toEqual({ deleted: true, route: { dst: "2001:db8:ff::/64", gateway: undefined, dev: "lan0", metric: 256 } });
    expect(monitorLine("unreachable 2001:db8:5::/64 dev lo proto babel metric 4294967295 pref medium")?.route).toMatchObject({ type: "unreachable", dst: "2001:db8:5::/64" });
    expect(monitorLine("\tnexthop via fe80::2 dev v12 weight 1")).toBeNull();
    expect(monitorLine("")).toBeNull();
  });
});

/** Agent cycles of r1 every `every` ms, each reading the daemon 100-300 ms after its stamp. */
const cycles = (until: number, every = 1000, node = "r1"): Observation[] => Array.from({ length: Math.floor(until / every) + 1 }, (_, k) => ({ node, ts: k * every, readStart: k * every + 100, readEnd: k * every + 300 }));
const obs = cycles(10_000);
const o = { lagMs: 500 };

describe("referee (meshfleet's route events against the kernel's changes, by when the agents read)", () => {
  it("matches a withdrawal and an addition to the kernel's loss and return", () => {
    const v = referee([ch(1000, VIA2, "lost"), ch(5000, "lost", VIA2)], [ev(1000, "route_withdrawn"), ev(5000, "route_added")], obs, o);
    expect(v).toMatchObject({ unmatched: [], missed: [], kernel: { lost: 1, regained: 1, moved: 0 }, meshfleet: { route_withdrawn: 1, route_added: 1 } });
  });

  it("flags an event where the kernel did not change, and a withdrawal where the kernel moved", () => {
    const v = referee([ch(1000, VIA2, VIA4)], [ev(1000, "route_withdrawn"), ev(8000, "route_nexthop_changed")], obs, o);
    expect(v.unmatched.map((e) => e.code)).toEqual(["route_withdrawn", "route_nexthop_changed"]);
  });

  it("flags an event no agent read can be placed at", () => {
    expect(referee([ch(1000, VIA2, VIA4)], [ev(1500, "route_nexthop_changed")], obs, o).unmatched.map((e) => e.ts)).toEqual([1500]);
  });

  it("flags a loss an agent read saw whole and nobody reported, and its return", () => {
    const v = referee([ch(1000, VIA2, "lost"), ch(4000, "lost", VIA2)], [], obs, o);
    expect(v.missed.map((c) => c.after)).toEqual(["lost", VIA2]);
  });

  it("asks no withdrawal for a loss after a return that no read saw (the reads saw one loss)", () => {
    // Lost at 1000 (reported), back at 1400 and lost again at 1600, all before the next read whole (2100-2300).
    const cs = [ch(1000, VIA2, "lost"), ch(1400, "lost", VIA4), ch(1600, VIA4, "lost")];
    expect(referee(cs, [ev(1000, "route_withdrawn")], obs, o)).toMatchObject({ unmatched: [], missed: [] });
    // Unreported, the loss the reads saw is missed once.
    expect(referee(cs, [], obs, o).missed.map((c) => `${c.before} -> ${c.after}`)).toEqual([`${VIA2} -> lost`]);
  });

  it("matches a withdrawal and an addition to a loss and a return the monitor saw a moment apart", () => {
    // BIRD 1.6 deletes the route and adds the one via r4 later; the two monitor records arrive together.
    const gone: KernelChange = { node: "r1", prefix: P, before: VIA2, after: "lost", from: 6539, at: 9100 };
    const back: KernelChange = { node: "r1", prefix: P, before: "lost", after: VIA4, from: 9100, at: 9100 };
    const v = referee([gone, back], [ev(8000, "route_withdrawn"), ev(9000, "route_added")], cycles(12_000), o);
    expect(v).toMatchObject({ unmatched: [], missed: [], kernel: { lost: 1, regained: 1, moved: 0 } });
  });

  it("matches a withdrawal to a loss the kernel made first, within leadMs (a link going down)", () => {
    // The kernel dropped the route over the downed link at 950; the daemon still listed it at the read of 1100-1300 and dropped it before the next.
    const cut: KernelChange = { node: "r1", prefix: P, before: VIA2, after: "lost", from: 900, at: 950 };
    expect(referee([cut], [ev(2000, "route_withdrawn")], obs, o).unmatched.map((e) => e.ts)).toEqual([2000]);
    expect(referee([cut], [ev(2000, "route_withdrawn")], obs, { ...o, leadMs: 1500 })).toMatchObject({ unmatched: [], missed: [] });
    // Not a loss from before the previous read's window plus leadMs.
    expect(referee([{ ...cut, from: -600, at: -500 }], [ev(2000, "route_withdrawn")], obs, { ...o, leadMs: 1500 }).unmatched).toHaveLength(1);
  });

  it("lets a next-hop or metric change stand for a loss and a return between two reads", () => {
    const short = [ch(1400, VIA2, "lost"), ch(1900, "lost", VIA4)];
    expect(referee(short, [ev(2000, "route_nexthop_changed")], obs, o)).toMatchObject({ unmatched: [], missed: [] });
    expect(referee(short, [], obs, o)).toMatchObject({ unmatched: [], missed: [] });
    // A metric change alone is no kernel change: never unmatched.
    expect(referee([], [ev(2000, "route_metric_changed")], obs, o)).toMatchObject({ unmatched: [], missed: [] });
  });

  it("gives a withdrawal and an addition the kernel's last change before their read, not an earlier one no read saw", () => {
    // Lost at 2450, back at 2550 and lost again at 2650, all between two reads (no read saw
    // the return); the read of 3100-3300 saw it lost; back at 4700; the cycle stamped 4000
    // read nothing (a slow daemon), the read of 5100-5300 saw it back. With leadMs both
    // events' windows reach back to the unseen pair: each must take the change its read saw
    // (2650, 4700), else the return at 4700 looks unreported.
    const cs = [ch(2450, VIA2, "lost"), ch(2550, "lost", VIA2), ch(2650, VIA2, "lost"), ch(4700, "lost", VIA2)];
    const gap = obs.filter((x) => x.ts !== 4000);
    const v = referee(cs, [ev(3000, "route_withdrawn"), ev(5000, "route_added")], gap, { ...o, leadMs: 1500 });
    expect(v).toMatchObject({ unmatched: [], missed: [] });
    // Unreported, the return the reads saw is missed.
    expect(referee(cs, [ev(3000, "route_withdrawn")], gap, { ...o, leadMs: 1500 }).missed.map((c) => `${c.before} -> ${c.after} @${c.at}`)).toEqual([`lost -> ${VIA2} @4700`]);
  });

  it("gives a withdrawal the kernel's loss just after its read (the daemon first), not an earlier one no read saw", () => {
    // A clean-clone run (BIRD 1.6, r4): lost at 26334 and back at 26368 between two reads; the
    // read of 28194-28415 saw BIRD without the route, and the kernel followed at 28450.
    const cs = [ch(26_334, VIA2, "lost"), ch(26_368, "lost", VIA4), { ...ch(28_450, VIA4, "lost"), from: 27_895 }];
    const reads = [[25_161, 25_181, 25_344], [26_161, 26_183, 26_355], [27_161, 27_177, 27_335], [28_167, 28_194, 28_415], [29_166, 29_182, 29_319]].map(([ts, readStart, readEnd]) => ({ node: "r1", ts: ts!, readStart: readStart!, readEnd: readEnd! }));
    expect(referee(cs, [ev(28_167, "route_withdrawn")], reads, { ...o, leadMs: 1500 })).toMatchObject({ unmatched: [], missed: [] });
  });

  it("judges from `since` with the earlier changes known: a read before it saw the state before them", () => {
    // A clean-clone run (babeld, r1): at the scenario's start (10000) babeld was still moving
    // the route: lost at 9963 (known there until 9601), back at 10014 (here via r2), lost at 10027, via r4
    // at 10028. The reads of 9358-9380 and 10357-10376 both saw it via r4, meshfleet reported
    // nothing, and nothing was missed.
    const cs: KernelChange[] = [
      { node: "r1", prefix: P, before: VIA4, after: "lost", from: 9601, at: 9963 },
      { node: "r1", prefix: P, before: "lost", after: VIA2, from: 9963, at: 10_014 },
      { node: "r1", prefix: P, before: VIA2, after: "lost", from: 10_014, at: 10_027 },
      { node: "r1", prefix: P, before: "lost", after: VIA4, from: 10_027, at: 10_028 },
    ];
    const reads = [7358, 8358, 9358, 10_357, 11_357].map((readStart) => ({ node: "r1", ts: readStart - 20, readStart, readEnd: readStart + 20 }));
    expect(referee(cs, [], reads, { ...o, since: 10_000 })).toMatchObject({ unmatched: [], missed: [], kernel: { lost: 1, regained: 2, moved: 0 } });
    expect(sampledChanges(cs, reads, 500, 10_000)).toEqual([]);
    // Cut at 10000 instead, the list starts with the return at 10014: every read before it
    // looks as if it saw the route lost, and the referee asked for an addition no read saw.
    const cut = cs.filter((c) => c.at >= 10_000);
    expect(referee(cut, [], reads, o).missed.map((c) => `${c.before} -> ${c.after} @${c.at}`)).toEqual([`lost -> ${VIA4} @10028`]);
  });

  it("gives each kernel change to one withdrawal only", () => {
    const v = referee([ch(1000, VIA2, "lost")], [ev(1000, "route_withdrawn"), ev(2000, "route_withdrawn")], obs, o);
    expect(v.unmatched.map((e) => e.ts)).toEqual([2000]);
  });

  it("judges by the reads on a loaded machine: a snapshot stamped long before its read, cycles seconds apart", () => {
    // Cycles 3 s apart, each reading 1.5-2.5 s after its stamp: the kernel lost the route at
    // 4000; the snapshot stamped 3000 read at 4500-5500 and saw it.
    const slow = Array.from({ length: 5 }, (_, k) => ({ node: "r1", ts: k * 3000, readStart: k * 3000 + 1500, readEnd: k * 3000 + 2500 }));
    expect(referee([ch(4000, VIA2, "lost")], [ev(3000, "route_withdrawn")], slow, o)).toMatchObject({ unmatched: [], missed: [] });
    // The nominal interval would have put the change two intervals after the event.
    expect(referee([ch(4000, VIA2, "lost")], [ev(9000, "route_withdrawn")], slow, o).unmatched).toHaveLength(1);
  });
});

describe("sampledChanges (the kernel as the agents' reads could see it)", () => {
  it("keeps what a read saw whole, drops a loss and a return between two reads", () => {
    const cs = [ch(1400, VIA2, "lost"), ch(1900, "lost", VIA2), ch(4000, VIA2, VIA4)];
    expect(sampledChanges(cs, obs, 500).map((c) => `${c.before} -> ${c.after} @${c.at}`)).toEqual([`${VIA2} -> ${VIA4} @4000`]);
  });
});

describe("seenOnlyUnsure", () => {
  it("names the events whose kernel changes every read overlapped, not those a read saw surely", () => {
    // Under load: the referee knew the route until 7033 and heard of its loss at 10850, then of
    // its return at 13407 (known lost until 11535): every read from 7100 to 13300 overlaps one
    // of the two windows, so no read saw the loss surely; meshfleet reported both anyway.
    const late: KernelChange[] = [
      { node: "r1", prefix: P, before: VIA2, after: "lost", from: 7033, at: 10_850 },
      { node: "r1", prefix: P, before: "lost", after: VIA2, from: 11_535, at: 13_407 },
    ];
    const reported = [ev(10_000, "route_withdrawn"), ev(13_000, "route_added")];
    expect(seenOnlyUnsure(reported, late, cycles(20_000), { lagMs: 500, leadMs: 1500 }).map((e) => e.ts)).toEqual([10_000, 13_000]);
    // A loss a read saw surely (read 2100-2300, lost at 1000): not among them.
    expect(seenOnlyUnsure([ev(2000, "route_withdrawn")], [ch(1000, VIA2, "lost")], cycles(20_000), { lagMs: 500, leadMs: 1500 })).toEqual([]);
  });
});

describe("convergenceBounds", () => {
  it("spans from the first snapshot that could have seen a change to the first that surely saw the last one", () => {
    // r1 reads every 1 s (100-300 ms after its stamp), r2 every 2.5 s.
    const o2 = [...cycles(10_000), ...cycles(10_000, 2500, "r2")];
    expect(convergenceBounds([ch(5200, VIA2, VIA4), ch(5250, VIA2, "lost", "r2")], o2, 0)).toEqual({ lower: 5000, upper: 7500 });
    expect(convergenceBounds([], o2, 0)).toBeNull();
  });
});

describe("churnPeak", () => {
  it("adds penalties that halve every half-life, in time order, and gives the highest score", () => {
    expect(churnPeak([{ at: 10_000, penalty: 1000 }, { at: 0, penalty: 1000 }], 10_000)).toBe(1500);
    expect(churnPeak([], 10_000)).toBe(0);
  });
});
