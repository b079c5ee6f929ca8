import { describe, expect, it } from "vitest";
import { stepRoutes } from "./routes";
import { route } from "../../testing/detect";
import { noResolver, type Resolver } from "./types";

const resolve: Resolver = { mac: () => null, address: (a) => ({ "fe80::2": "r2", "fe80::4": "r4" })[a] ?? null };
const T = 1_700_000_000_000;

describe("stepRoutes", () => {
  it("takes the first observation as a baseline", () => {
    const r = stepRoutes(null, [route("::/0", "fe80::2")], "r1", T, resolve);
    expect(r.events).toEqual([]);
    expect(r.state["::/0"]).toEqual({ protocol: "rip1", type: "unicast", nextHop: "fe80::2%eth0", metric: 2, viaNode: "r2" });
  });

  it("reports added, withdrawn, next hop and metric changes per prefix with before/after", () => {
    const s0 = stepRoutes(null, [route("::/0", "fe80::2"), route("2001:db8:2::/64", "fe80::2"), route("2001:db8:3::/64", "fe80::2", { metric: 3 })], "r1", T, resolve).state;
    const r = stepRoutes(s0, [route("::/0", "fe80::4", { iface: "eth1" }), route("2001:db8:3::/64", "fe80::2", { metric: 5 }), route("2001:db8:4::/64", "fe80::4", { iface: "eth1" })], "r1", T + 10_000, resolve);
    expect(r.events.map((e) => [e.code, e.prefix, e.subject])).toEqual([
      ["route_withdrawn", "2001:db8:2::/64", "route:r1:2001:db8:2::/64"],
      ["route_metric_changed", "2001:db8:3::/64", "route:r1:2001:db8:3::/64"],
      ["route_added", "2001:db8:4::/64", "route:r1:2001:db8:4::/64"],
      ["route_nexthop_changed", "::/0", "route:r1:::/0"],
    ]);
    const nh = r.events[3]!;
    expect(nh.before).toMatchObject({ nextHop: "fe80::2%eth0", viaNode: "r2" });
    expect(nh.after).toMatchObject({ nextHop: "fe80::4%eth1", viaNode: "r4" });
    expect(r.events[1]!.before?.metric).toBe(3);
    expect(r.events[1]!.after?.metric).toBe(5);
    expect(r.events.every((e) => e.node === "r1" && e.ts === T + 10_000)).toBe(true);
  });

  it("looks at the best route only and ignores alternates", () => {
    const s0 = stepRoutes(null, [route("::/0", "fe80::2"), route("::/0", "fe80::4", { primary: false, metric: 9 })], "r1", T, noResolver).state;
    const r = stepRoutes(s0, [route("::/0", "fe80::2"), route("::/0", "fe80::4", { primary: false, metric: 3 })], "r1", T + 1, noResolver);
    expect(r.events).toEqual([]);
  });

  it("treats ECMP next hops as a set (order does not matter)", () => {
    const ecmp = (hops: string[]) => ({ ...route("::/0", null), nextHops: hops.map((v) => ({ via: v, iface: "eth0", weight: 1 })) });
    const s0 = stepRoutes(null, [ecmp(["fe80::2", "fe80::4"])], "r1", T, noResolver).state;
    expect(stepRoutes(s0, [ecmp(["fe80::4", "fe80::2"])], "r1", T + 1, noResolver).events).toEqual([]);
    expect(stepRoutes(s0, [ecmp(["fe80::4"])], "r1", T + 1, noResolver).events.map((e) => e.code)).toEqual(["route_nexthop_changed"]);
  });

  it("counts a retraction (best route still listed but unreachable) as a withdrawal and its return as an addition", () => {
    const retracted = { ...route("2001:db8:3::/64", null, { protocol: "babel1", metric: 65535 }), type: "unreachable", nextHops: [], reachable: false };
    const s0 = stepRoutes(null, [route("2001:db8:3::/64", "fe80::2", { protocol: "babel1", metric: 192 })], "r1", T, resolve).state;
    const s1 = stepRoutes(s0, [retracted], "r1", T + 1000, resolve);
    expect(s1.events.map((e) => [e.code, e.subject])).toEqual([["route_withdrawn", "route:r1:2001:db8:3::/64"]]);
    expect(s1.state).toEqual({});
    // Still retracted: nothing new; back: an addition.
    expect(stepRoutes(s1.state, [retracted], "r1", T + 2000, resolve).events).toEqual([]);
    const back = stepRoutes(s1.state, [route("2001:db8:3::/64", "fe80::4", { protocol: "babel1", metric: 288, iface: "eth1" })], "r1", T + 3000, resolve);
    expect(back.events.map((e) => [e.code, e.after?.nextHop, e.after?.viaNode])).toEqual([["route_added", "fe80::4%eth1", "r4"]]);
  });

  it("reads retraction from routes of agents that predate the flag (Babel 65535, RIP 16, unreachable from a routing protocol)", () => {
    const old = (prefix: string, protocol: string, type: string, metric: number | null) => ({ ...route(prefix, null, { protocol }), type, metric, nextHops: [] });
    const s0 = stepRoutes(null, [old("2001:db8:a::/64", "babel1", "unicast", 96), old("2001:db8:b::/64", "rip1", "unicast", 3)], "r1", T, noResolver).state;
    const r = stepRoutes(s0, [old("2001:db8:a::/64", "babel1", "unreachable", 65535), old("2001:db8:b::/64", "rip1", "unicast", 16)], "r1", T + 1, noResolver);
    expect(r.events.map((e) => [e.code, e.prefix])).toEqual([
      ["route_withdrawn", "2001:db8:a::/64"],
      ["route_withdrawn", "2001:db8:b::/64"],
    ]);
  });

  it("keeps a static/kernel unreachable aggregate as an ordinary route", () => {
    const agg = { ...route("fdcd:5cb4:d0e1::/48", null, { protocol: "kernel1" }), type: "unreachable", metric: null, nextHops: [], reachable: true };
    const s0 = stepRoutes(null, [agg], "r1", T, noResolver);
    expect(s0.state["fdcd:5cb4:d0e1::/48"]).toMatchObject({ protocol: "kernel1", type: "unreachable", nextHop: "unreachable" });
    expect(stepRoutes(s0.state, [agg], "r1", T + 1, noResolver).events).toEqual([]);
    expect(stepRoutes(s0.state, [], "r1", T + 2, noResolver).events.map((e) => e.code)).toEqual(["route_withdrawn"]);
  });

  it("never counts an alternate: a reachable alternate behind an unreachable best route is no route", () => {
    const best = { ...route("::/0", null, { protocol: "babel1", metric: 65535 }), type: "unreachable", nextHops: [], reachable: false };
    const alt = { ...route("::/0", "fe80::4", { protocol: "rip1", primary: false }), reachable: true };
    const s0 = stepRoutes(null, [route("::/0", "fe80::2", { protocol: "babel1" })], "r1", T, resolve).state;
    expect(stepRoutes(s0, [best, alt], "r1", T + 1, resolve).events.map((e) => e.code)).toEqual(["route_withdrawn"]);
  });
});
