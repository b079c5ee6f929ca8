import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Route } from "@meshfleet/shared";
import { babeldToRoutingView, parseBabeldDump, parseBirdRoutes } from "@meshfleet/agent/parsers";
import { stepChurn, stepRoutes, type ChurnState, type StoredEvent, type RoutesState, type Resolver } from "@meshfleet/controller";

/**
 * Real daemon output (x-y-z line of namespaces, y-z cut then restored, captured on x; see
 * test/src/lab/capture-retraction.sh) through the agent's parsers and the route detector.
 */
const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const KINDS = new Map([["babel1", "Babel"], ["rip1", "RIP"], ["kernel1", "Kernel"], ["direct1", "Direct"]]);
function bird(name: string): Route[] {
  const r = parseBirdRoutes(text(name), KINDS);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.routes;
}
function babeld(name: string): Route[] {
  const r = parseBabeldDump(text(name));
  if (!r.ok) throw new Error(r.error.message);
  return babeldToRoutingView(r.value).routes;
}
const Y: Resolver = { mac: () => null, address: (a) => (a.startsWith("fe80::") ? "y" : null) };

/** The route events per step, as [code, prefix]. */
function replay(steps: Route[][]): string[][][] {
  let state: RoutesState | null = null;
  return steps.map((routes, i) => {
    const r = stepRoutes(state, routes, "x", 1000 * i, Y);
    state = r.state;
    return r.events.map((e) => [e.code, e.prefix]);
  });
}

describe("route events from real daemons: a cut that retracts a prefix, and the restore", () => {
  it("BIRD 2 Babel: `unreachable (1/65535)` is a withdrawal, the return an addition; nothing else changes", () => {
    expect(replay([bird("bird2-babel-route-before-cut.txt"), bird("bird2-babel-route-retracted.txt"), bird("bird2-babel-route-retracted.txt"), bird("bird2-babel-route-restored.txt")])).toEqual([
      [],
      [["route_withdrawn", "2001:db8:3::/64"]],
      [],
      [["route_added", "2001:db8:3::/64"]],
    ]);
  });

  it("babeld 1.12: `installed yes … metric 65535` is a withdrawal, the return an addition", () => {
    expect(replay([babeld("babeld-dump-before-cut.txt"), babeld("babeld-dump-retracted.txt"), babeld("babeld-dump-restored.txt")])).toEqual([[], [["route_withdrawn", "2001:db8:3::/64"]], [["route_added", "2001:db8:3::/64"]]]);
  });

  it("BIRD 1.6 RIPng: the route leaves the table and comes back; the kernel unreachable aggregate never counts", () => {
    expect(replay([bird("bird16-rip-route-before-cut.txt"), bird("bird16-rip-route-after-cut.txt"), bird("bird16-rip-route-restored.txt")])).toEqual([[], [["route_withdrawn", "2001:db8:3::/64"]], [["route_added", "2001:db8:3::/64"]]]);
  });

  it("one cut and its restore score one flap (1000): the withdrawal counts, the re-addition does not", () => {
    let state: RoutesState | null = null;
    const events: StoredEvent[] = [];
    for (const [i, routes] of [bird("bird2-babel-route-before-cut.txt"), bird("bird2-babel-route-retracted.txt"), bird("bird2-babel-route-restored.txt")].entries()) {
      const r = stepRoutes(state, routes, "x", 1000 * i, Y);
      state = r.state;
      events.push(...r.events.map((e, j) => ({ ...e, id: 10 * i + j })));
    }
    const churn: ChurnState = stepChurn({}, events).state;
    expect(Object.entries(churn).map(([s, e]) => [s, Math.round(e.score), e.flapping])).toEqual([["route:x:2001:db8:3::/64", 1000, false]]);
  });
});
