import { describe, expect, it } from "vitest";
import { kernelStates, monitorLine, type KernelChange } from "./kernel";
import { referee, type RouteEv } from "./referee";

const P = "2001:db8:ff::/64";
const o = { intervalMs: 1000, pollMs: 200 };
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

describe("monitorLine (ip -6 monitor route)", () => {
  it("reads added, deleted and unreachable routes; skips what is not a route", () => {
    expect(monitorLine("2001:db8:2::/64 via fe80::2 dev v12 proto bird metric 32 pref medium")).toEqual({ deleted: false, route: { dst: "2001:db8:2::/64", gateway: "fe80::2", dev: "v12", metric: 32 } });
    expect(monitorLine("Deleted 2001:db8:ff::/64 dev lan0 proto kernel metric 256 pref medium")).toEqual({ deleted: true, route: { dst: "2001:db8:ff::/64", gateway: undefined, dev: "lan0", metric: 256 } });
    expect(monitorLine("unreachable 2001:db8:5::/64 dev lo proto babel metric 4294967295 pref medium")?.route).toMatchObject({ type: "unreachable", dst: "2001:db8:5::/64" });
    expect(monitorLine("\tnexthop via fe80::2 dev v12 weight 1")).toBeNull();
    expect(monitorLine("")).toBeNull();
  });
});

describe("referee (meshfleet's route events against the kernel's changes)", () => {
  it("matches a withdrawal and an addition to the kernel's loss and return", () => {
    const v = referee([ch(1000, VIA2, "lost"), ch(5000, "lost", VIA2)], [ev(1500, "route_withdrawn"), ev(5400, "route_added")], o, 10_000);
    expect(v).toMatchObject({ unmatched: [], missed: [], kernel: { lost: 1, regained: 1, moved: 0 }, meshfleet: { route_withdrawn: 1, route_added: 1 } });
  });

  it("flags an event where the kernel did not change, and a withdrawal where the kernel moved", () => {
    const v = referee([ch(1000, VIA2, VIA4)], [ev(1500, "route_withdrawn"), ev(8000, "route_nexthop_changed")], o, 10_000);
    expect(v.unmatched.map((e) => e.code)).toEqual(["route_withdrawn", "route_nexthop_changed"]);
  });

  it("flags a loss that lasted two intervals and was not reported, and its return", () => {
    const v = referee([ch(1000, VIA2, "lost"), ch(4000, "lost", VIA2)], [], o, 10_000);
    expect(v.missed.map((c) => c.after)).toEqual(["lost", VIA2]);
  });

  it("lets a next-hop or metric change stand for a loss shorter than an interval", () => {
    const short = [ch(1000, VIA2, "lost"), ch(1600, "lost", VIA4)];
    expect(referee(short, [ev(1700, "route_nexthop_changed")], o, 10_000)).toMatchObject({ unmatched: [], missed: [] });
    expect(referee(short, [], o, 10_000)).toMatchObject({ unmatched: [], missed: [] });
    // A metric change alone is no kernel change: never unmatched.
    expect(referee([], [ev(1700, "route_metric_changed")], o, 10_000)).toMatchObject({ unmatched: [], missed: [] });
  });

  it("gives each kernel change to one withdrawal only", () => {
    const v = referee([ch(1000, VIA2, "lost")], [ev(1200, "route_withdrawn"), ev(1900, "route_withdrawn")], o, 10_000);
    expect(v.unmatched.map((e) => e.ts)).toEqual([1900]);
  });
});
