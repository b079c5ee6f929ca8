import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Route } from "@meshfleet/shared";
import { describe, expect, it } from "vitest";
import { DEFAULT_CHURN, penaltyOf, stepChurn, type ChurnConfig, type ChurnState } from "./churn-score";
import { stepRoutes, type RoutesState } from "./routes";
import { noResolver, type RouteEvent } from "./types";

/** The lab's damping (half-life 10 s, thresholds as in production). */
const LAB: ChurnConfig = { ...DEFAULT_CHURN, halfLifeMs: 10_000 };
const P = "2001:db8:ff::/64";

interface Fixture {
  phases: Record<string, number>;
  kernel: { before: string; after: string; from: number; at: number }[];
  events: { code: string; ts: number }[];
  snapshots: { ts: number; readAt: number; routes: Route[] }[];
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "babeld-ring-equal-paths-r1.json"), "utf8")) as Fixture;

/** r1's snapshots through the route detector: its events in order. */
function replay(): RouteEvent[] {
  let state: RoutesState | null = null;
  const out: RouteEvent[] = [];
  for (const s of fixture.snapshots) {
    const r = stepRoutes(state, s.routes, "r1", s.ts, noResolver);
    state = r.state;
    out.push(...r.events);
  }
  return out;
}

function peak(events: readonly RouteEvent[], cfg: ChurnConfig, until = Infinity): { score: number; flapping: boolean } {
  let churn: ChurnState = {};
  let score = 0;
  let id = 0;
  for (const e of events.filter((x) => x.ts <= until)) {
    churn = stepChurn(churn, [{ ...e, id: ++id }], cfg).state;
    score = Math.max(score, churn[`route:r1:${P}`]?.score ?? 0);
  }
  return { score: Math.round(score), flapping: churn[`route:r1:${P}`]?.flapping ?? false };
}

describe("babeld moving a route between two paths of equal metric (captured on the lab's ring)", () => {
  it("reports each move the kernel made, as the run did", () => {
    const evs = replay();
    expect(evs.map((e) => `${e.ts} ${e.code}`)).toEqual(fixture.events.filter((e) => e.ts <= 92_544).map((e) => `${e.ts} ${e.code}`));
    // The kernel moved r1's stub route three times after its return, as meshfleet says.
    expect(fixture.kernel.filter((c) => c.before !== "lost" && c.after !== "lost")).toHaveLength(3);
    expect(evs.filter((e) => e.code === "route_nexthop_changed")).toHaveLength(3);
  });

  it("weighs a move to an equal path, the old one still offered at the same metric, as a metric change; a move off a retracted path in full", () => {
    const evs = replay().filter((e) => e.code === "route_nexthop_changed");
    expect(evs.map((e) => e.after?.equalPaths)).toEqual([["fe80::dc84:a6ff:fe2a:503d%v14"], ["fe80::8cbc:a9ff:febe:ddeb%v12"], undefined]);
    expect(evs.map((e) => penaltyOf(e)?.penalty)).toEqual([500, 500, 1000]);
  });

  it("raises no route_flapping for one withdrawal and return, with the lab's damping or the default", () => {
    const evs = replay();
    const flapSeries = fixture.phases["flap series"]!;
    expect(peak(evs, LAB, flapSeries)).toEqual({ score: 1160, flapping: false });
    expect(peak(evs, DEFAULT_CHURN, flapSeries).flapping).toBe(false);
    // Weighed as two full next-hop changes (before), the same sequence opened route_flapping.
    const full = evs.map((e) => (e.after ? { ...e, after: { ...e.after, equalPaths: undefined } } : e)) as RouteEvent[];
    expect(peak(full, LAB, flapSeries)).toEqual({ score: 2057, flapping: true });
  });
});
