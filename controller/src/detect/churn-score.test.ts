import { describe, expect, it } from "vitest";
import { DEFAULT_CHURN, decay, evaluateChurn, rollup, scoreAt, stepChurn, type ChurnState, type StoredEvent } from "./churn-score";
import { stepRoutes, type RoutesState } from "./routes";
import { route } from "../../testing/detect";
import type { Resolver } from "./types";

const resolve: Resolver = { mac: () => null, address: (a) => ({ "fe80::2": "r2", "fe80::4": "r4" })[a] ?? null };
const T0 = 1_532_443_605_000; // 2018-07-24 14:46:45 UTC, the founding documents' first flap

describe("churn score", () => {
  it("decays with the half-life", () => {
    expect(decay(2000, 0, 15 * 60_000, DEFAULT_CHURN.halfLifeMs)).toBe(1000);
    expect(decay(2000, 0, 30 * 60_000, DEFAULT_CHURN.halfLifeMs)).toBe(500);
    expect(decay(2000, 10, 5, DEFAULT_CHURN.halfLifeMs)).toBe(2000);
  });

  it("adds 1000 per next-hop change or withdrawal and 500 per metric-only change", () => {
    const ev = (id: number, code: "route_nexthop_changed" | "route_metric_changed" | "route_withdrawn", ts: number): StoredEvent => {
      const st = { protocol: "rip1", type: "unicast", nextHop: "fe80::2%eth0", metric: 2, viaNode: "r2" };
      return code === "route_withdrawn"
        ? { id, code, node: "r1", ts, subject: "route:r1:::/0", prefix: "::/0", before: st, after: null }
        : { id, code, node: "r1", ts, subject: "route:r1:::/0", prefix: "::/0", before: st, after: code === "route_nexthop_changed" ? { ...st, nextHop: "fe80::4%eth0", viaNode: "r4" } : { ...st, metric: 3 } };
    };
    const r = stepChurn({}, [ev(1, "route_metric_changed", 0), ev(2, "route_nexthop_changed", 0), ev(3, "route_withdrawn", 0)]);
    expect(r.state["route:r1:::/0"]).toMatchObject({ kind: "route", node: "r1", link: "link:r1-r2", score: 2500, flapping: true, eventIds: [1, 2, 3] });
    expect(r.transitions.map((t) => [t.type, t.subject, t.ts])).toEqual([["open", "route:r1:::/0", 0]]);
    expect(rollup(r.state, 15 * 60_000)).toEqual({ nodes: { r1: 1250 }, links: { "link:r1-r2": 1250 } });
  });

  it("raises route_flapping for a default route flapping every 16-64 s and resolves it after the flapping stops (hysteresis)", () => {
    // The default route switches between r2 and r4 with the founding documents' gaps (16, 32, 16, 64 s, ...) for 10 minutes.
    const gaps = [16, 32, 16, 64, 48, 16, 32];
    const flips: number[] = [];
    for (let t = T0, i = 0; t < T0 + 600_000; t += gaps[i++ % gaps.length]! * 1000) flips.push(t);
    let routes: RoutesState | null = null;
    let churn: ChurnState = {};
    let id = 0;
    let via = "fe80::2";
    const log: string[] = [];
    // Snapshots every 4 s (the agent's interval in this test) from T0 - 4 s until 100 minutes later.
    for (let t = T0 - 4000; t <= T0 + 100 * 60_000; t += 4000) {
      while (flips.length > 0 && flips[0]! <= t) {
        flips.shift();
        via = via === "fe80::2" ? "fe80::4" : "fe80::2";
      }
      const r = stepRoutes(routes, [route("::/0", via, { iface: via === "fe80::2" ? "eth0" : "eth1" })], "r1", t, resolve);
      routes = r.state;
      const stepped = stepChurn(churn, r.events.map((e) => ({ ...e, id: ++id })));
      const evaluated = evaluateChurn(stepped.state, t);
      churn = evaluated.state;
      for (const tr of [...stepped.transitions, ...evaluated.transitions]) log.push(`${tr.type}@${(tr.ts - T0) / 1000}s`);
    }
    // Flaps are seen by the first snapshot after them; the 3rd (at +48 s) takes the score above 2000.
    expect(log[0]).toBe("open@48s");
    // Last flap seen at +576 s with a score of 15,260: 15,260 -> 750 takes log2(20.3) = 4.35 half-lives = 65.3 min.
    expect(log).toEqual(["open@48s", "resolve@4492s"]);
    const e = churn["route:r1:::/0"]!;
    expect(e.flapping).toBe(false);
    expect(e.eventIds.length).toBeGreaterThan(15);
    // After the last flap (~+600 s) the score decays from its peak; it resolves log2(last / 750) half-lives later.
    const peak = Math.max(...e.history.slice(0, -1).map((h) => h.score));
    const resolvedAt = Number(/^resolve@(\d+)s$/.exec(log[1]!)![1]) * 1000;
    const last = e.history.at(-2)!;
    const expected = last.ts - T0 + DEFAULT_CHURN.halfLifeMs * Math.log2(last.score / DEFAULT_CHURN.resolveBelow);
    expect(peak).toBeGreaterThan(5000);
    expect(resolvedAt).toBeGreaterThanOrEqual(expected - 1000);
    expect(resolvedAt).toBeLessThan(expected + 4000 + 1000);
    expect(scoreAt(e, T0 + resolvedAt)).toBeLessThan(750);
  });

  it("keeps open between the thresholds (does not resolve at 1999 or 751)", () => {
    const st: ChurnState = { s: { kind: "neighbor", node: "r1", link: null, score: 3000, ts: 0, flapping: true, history: [], eventIds: [] } };
    const t751 = DEFAULT_CHURN.halfLifeMs * Math.log2(3000 / 751);
    expect(evaluateChurn(st, Math.floor(t751)).transitions).toEqual([]);
    expect(evaluateChurn(st, Math.ceil(DEFAULT_CHURN.halfLifeMs * Math.log2(3000 / 749))).transitions.map((t) => t.type)).toEqual(["resolve"]);
  });

  it("uses configured parameters (short half-life for the lab)", () => {
    const cfg = { ...DEFAULT_CHURN, halfLifeMs: 20_000, openAbove: 1500, resolveBelow: 400 };
    const ev = (id: number, ts: number): StoredEvent => ({ id, code: "neighbor_down", node: "r1", ts, subject: "neighbor:r1:fe80::2%eth0", address: "fe80::2", iface: "eth0", before: { protocol: "rip1", kind: "rip", address: "fe80::2", iface: "eth0", neighborNode: "r2" }, after: null });
    const a = stepChurn({}, [ev(1, 0), ev(2, 10_000)], cfg);
    expect(a.transitions.map((t) => t.type)).toEqual(["open"]);
    expect(Math.round(a.state["neighbor:r1:fe80::2%eth0"]!.score)).toBe(1707);
    expect(evaluateChurn(a.state, 10_000 + 40_000, cfg).transitions).toEqual([]);
    expect(evaluateChurn(a.state, 10_000 + 42_000, cfg).transitions.map((t) => t.type)).toEqual(["resolve"]);
  });

  it("judges a node's score no later than its last snapshot: a late snapshot's churn counts before anything resolves", () => {
    // The lab's numbers (half-life 10 s): r3's stub route at 2008 at +80.6 s. A pass at +95.5 s
    // (another node's snapshot) would see 717 and resolve, but r3 has only reported up to +90 s,
    // and its next snapshot (+91.1 s) withdraws the route again.
    const cfg = { ...DEFAULT_CHURN, halfLifeMs: 10_000 };
    const wd = (id: number, ts: number): StoredEvent => ({ id, code: "route_withdrawn", node: "r3", ts, subject: "route:r3:2001:db8:ff::/64", prefix: "2001:db8:ff::/64", before: { protocol: "rip1", type: "unicast", nextHop: "fe80::2%v32", metric: 2, viaNode: "r2" }, after: null });
    const st: ChurnState = { "route:r3:2001:db8:ff::/64": { kind: "route", node: "r3", link: null, score: 2008, ts: 80_638, flapping: true, history: [{ ts: 80_638, score: 2008 }], eventIds: [] } };
    const knownUntil = (node: string) => (node === "r3" ? 90_000 : 95_494);
    expect(evaluateChurn(st, 95_494, cfg).transitions.map((t) => t.type)).toEqual(["resolve"]);
    const early = evaluateChurn(st, knownUntil, cfg);
    expect(early.transitions).toEqual([]);
    const late = stepChurn(early.state, [wd(7, 91_072)], cfg);
    expect(Math.round(late.state["route:r3:2001:db8:ff::/64"]!.score)).toBe(1974);
    // It resolves once its own reports have decayed below 750 (log2(1974 / 750) = 1.40 half-lives after +91.1 s), and the history stays in time order.
    expect(evaluateChurn(late.state, () => 104_900, cfg).transitions).toEqual([]);
    const done = evaluateChurn(late.state, () => 105_100, cfg);
    expect(done.transitions.map((t) => [t.type, t.ts])).toEqual([["resolve", 105_100]]);
    expect(done.state["route:r3:2001:db8:ff::/64"]!.history.map((h) => h.ts)).toEqual([80_638, 91_072, 105_100]);
  });
});
