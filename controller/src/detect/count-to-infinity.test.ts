import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CHURN, stepChurn, type ChurnConfig, type ChurnState, type StoredEvent } from "./churn-score";
import { stepRetractions, type RetractionsState } from "./count-to-infinity";
import type { RouteEvent, RouteState } from "./types";

/** The lab's damping (half-life 10 s, thresholds as in production), RIP timeout 10 s. */
const LAB: ChurnConfig = { ...DEFAULT_CHURN, halfLifeMs: 10_000, countToInfinityMs: 10_000 };

interface Record {
  phases: { [phase: string]: number };
  events: RouteEvent[];
}
const record = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", name), "utf8")) as Record;

const isRip = (protocol: string | null) => protocol?.startsWith("rip") ?? false;

/** Runs events through the retraction step per node (one observation per node and ts), then churn; the peak score per subject. */
function replay(events: readonly RouteEvent[], cfg: ChurnConfig) {
  const retractions = new Map<string, RetractionsState>();
  let churn: ChurnState = {};
  const peaks: { [subject: string]: number } = {};
  const marked: string[] = [];
  let id = 0;
  const batches = new Map<string, RouteEvent[]>();
  for (const e of events) batches.set(`${e.ts} ${e.node}`, [...(batches.get(`${e.ts} ${e.node}`) ?? []), e]);
  for (const batch of batches.values()) {
    const { node, ts } = batch[0]!;
    const r = stepRetractions(retractions.get(node) ?? {}, batch, ts, cfg, isRip);
    retractions.set(node, r.state);
    for (const e of r.events) if (e.countToInfinity) marked.push(`${e.ts} ${e.node} ${e.code} ${e.countToInfinity.penalty}`);
    const c = stepChurn(churn, r.events.map((e): StoredEvent => ({ ...e, id: ++id })), cfg);
    churn = c.state;
    for (const [s, e] of Object.entries(churn)) peaks[s] = Math.max(peaks[s] ?? 0, Math.round(e.score));
  }
  return { peaks, marked, churn };
}

const st = (metric: number | null, nextHop = "fe80::4%v14"): RouteState => ({ protocol: "rip1", type: "unicast", nextHop, metric, viaNode: "r4" });
const base = { node: "r1", subject: "route:r1:2001:db8:ff::/64", prefix: "2001:db8:ff::/64" };
const withdrawn = (ts: number, before: RouteState): RouteEvent => ({ ...base, ts, code: "route_withdrawn", before, after: null });
const added = (ts: number, after: RouteState): RouteEvent => ({ ...base, ts, code: "route_added", before: null, after });
const metric = (ts: number, before: RouteState, after: RouteState): RouteEvent => ({ ...base, ts, code: "route_metric_changed", before, after });

describe("RIP counting to infinity: withdraw, a worse return, withdraw again is one withdrawal", () => {
  it("scores a withdrawal whose route comes back at metric 4, 8, 12 and goes again as one withdrawal (1000)", () => {
    const evs = [withdrawn(0, st(2)), added(2000, st(4)), metric(4000, st(4), st(8)), metric(6000, st(8), st(12)), withdrawn(8000, st(12))];
    const r = replay(evs, LAB);
    expect(r.marked).toEqual(["2000 r1 route_added 0", "4000 r1 route_metric_changed 0", "6000 r1 route_metric_changed 0", "8000 r1 route_withdrawn 0"]);
    expect(r.peaks).toEqual({ [base.subject]: 1000 });
    // Without the rule: 1000 + 500 + 500 + 1000 within 8 s, past the threshold.
    expect(replay(evs, { ...LAB, countToInfinityMs: 0 }).peaks[base.subject]).toBe(2389);
  });

  it("counts a return at the old metric as a real return: the next withdrawal is churn", () => {
    const r = replay([withdrawn(0, st(2)), added(2000, st(2)), withdrawn(4000, st(2)), added(6000, st(2)), withdrawn(8000, st(2))], LAB);
    expect(r.marked).toEqual([]);
    expect(r.peaks[base.subject]).toBe(2332);
  });

  it("ends the chain when the route improves back to its old metric (the return is no churn) or the next step comes after the RIP timeout", () => {
    const back = replay([withdrawn(0, st(2)), added(2000, st(6)), metric(3000, st(6), st(2)), withdrawn(5000, st(2))], LAB);
    expect(back.marked).toEqual(["2000 r1 route_added 0", "3000 r1 route_metric_changed 0"]);
    expect(back.peaks[base.subject]).toBe(1707);
    const late = replay([withdrawn(0, st(2)), added(2000, st(6)), withdrawn(12_001 + 2000, st(6))], LAB);
    expect(late.marked).toEqual(["2000 r1 route_added 0"]);
    expect(late.churn[base.subject]?.eventIds).toEqual([1, 3]);
  });

  it("BIRD 1.6 RIPng ring (lab record): the single withdrawal costs every node one withdrawal, the origin hearing its own stub echoed back included", () => {
    const rec = record("rip-ring-stub-echo-bird16.json");
    const single = rec.events.filter((e) => e.ts < rec.phases["flap series"]!);
    const r = replay(single, LAB);
    // r4 hears the stub back from r1 at metric 4 and r3 its own from r4 at metric 5, then both go.
    expect(r.marked).toEqual(["11218 r3 route_added 0", "11287 r4 route_added 0", "12218 r3 route_withdrawn 0", "12287 r4 route_withdrawn 0"]);
    expect(r.peaks).toEqual({
      "route:r1:2001:db8:ff::/64": 1000,
      "route:r2:2001:db8:ff::/64": 1000,
      "route:r3:2001:db8:ff::/64": 1000,
      "route:r4:2001:db8:ff::/64": 1000,
    });
    // In the flap series the origin's stub is withdrawn at each of the lab's 4 removals; its echoes and returns weigh nothing.
    const flap = replay(rec.events.filter((e) => e.ts >= rec.phases["flap series"]! && e.node === "r3"), LAB);
    expect(flap.marked).toEqual(["23344 r3 route_added 0", "24346 r3 route_nexthop_changed 0", "33355 r3 route_added 0", "34355 r3 route_nexthop_changed 0"]);
    expect(flap.churn["route:r3:2001:db8:ff::/64"]?.eventIds.length).toBe(4);
  });
});

describe("RIP counting to infinity seen as a route getting worse in steps before it goes", () => {
  it("BIRD 1.6 RIPng ring (lab record): each node's climb to metric 16 after the single withdrawal weighs one withdrawal", () => {
    const rec = record("rip-ring-count-to-infinity-bird16.json");
    const r = replay(rec.events, LAB);
    expect(r.marked).toEqual([
      "11754 r3 route_added 0",
      "11938 r4 route_added 0",
      "12307 r1 route_metric_changed 0",
      "12539 r2 route_metric_changed 0",
      "12754 r3 route_metric_changed 0",
      "12938 r4 route_metric_changed 0",
      "13306 r1 route_metric_changed 0",
      "13538 r2 route_metric_changed 0",
      "13753 r3 route_metric_changed 0",
      "13938 r4 route_metric_changed 0",
      // r1 moved to a worse path (1000 charged): its withdrawal adds nothing; r2's climb began with a metric change (500): its withdrawal adds the other 500.
      "14307 r1 route_withdrawn 0",
      "14577 r2 route_withdrawn 500",
      "14753 r3 route_withdrawn 0",
      "14937 r4 route_withdrawn 0",
    ]);
    // r2's two halves come 3 s apart: 500 decayed, plus 500.
    expect(r.peaks).toEqual({
      "route:r1:2001:db8:ff::/64": 1000,
      "route:r2:2001:db8:ff::/64": 905,
      "route:r3:2001:db8:ff::/64": 1000,
      "route:r4:2001:db8:ff::/64": 1000,
    });
    // As the detector scored it before: r1 and r2 past the threshold (route_flapping opened on r1 at 14307).
    const before = replay(rec.events, { ...LAB, countToInfinityMs: 0 });
    expect(before.peaks["route:r1:2001:db8:ff::/64"]).toBeGreaterThan(2000);
    expect(before.peaks["route:r2:2001:db8:ff::/64"]).toBeGreaterThan(2000);
  });

  it("leaves Babel's metric changes alone (loop-free: a worse metric there is a real change)", () => {
    const babel = (m: number): RouteState => ({ ...st(m), protocol: "babel1" });
    const r = replay([metric(0, babel(96), babel(256)), metric(1000, babel(256), babel(512)), withdrawn(2000, babel(512))], LAB);
    expect(r.marked).toEqual([]);
    // 500, 500 and 1000 a second apart.
    expect(r.peaks[base.subject]).toBe(1902);
  });
});

describe("ECMP: a next-hop set that keeps a hop weighs as a metric change", () => {
  it("BIRD 2 RIPng ring (lab record): cut and restore of one of r1's two equal paths, then the withdrawal, stay under the threshold", () => {
    const rec = record("rip-ring-ecmp-cut-restore-bird2.json");
    expect(rec.events.map((e) => e.code)).toEqual(["route_nexthop_changed", "route_nexthop_changed", "route_withdrawn"]);
    const r = replay(rec.events, LAB);
    // 500 (lost the path via r2), 500 (regained it), 1000 (withdrawn): 1587 at the withdrawal, not 2174.
    expect(r.peaks).toEqual({ "route:r1:2001:db8:ff::/64": 1587 });
    expect(r.churn["route:r1:2001:db8:ff::/64"]?.flapping).toBe(false);
  });
});
