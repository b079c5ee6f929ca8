import { describe, expect, it } from "vitest";
import type { Route } from "@meshfleet/shared";
import { detectConfig, emptyFleet, stepSnapshot, type FleetState } from "./fleet";
import { prefixOwner } from "./prefix-owner";
import { route, snap } from "../../testing/detect";
import { noResolver } from "./types";

const STUB = "2001:db8:ff::/64";
const cfg = detectConfig({ churn: { halfLifeMs: 10_000 } });
/** BIRD's direct route of an address on lan0 (no gateway). */
const direct = (prefix: string): Route => ({ ...route(prefix, null, { iface: "lan0", protocol: "direct1" }), metric: null });
/** babeld's xroute, as the agent reports it. */
const xroute = (prefix: string): Route => ({ prefix, protocol: "babeld", type: "unicast", primary: true, preference: null, metric: 0, nextHops: [], table: null, since: null, reachable: true, originated: true });

function fleetOf(steps: { node: string; ts: number; routes: Route[] }[]): FleetState {
  let f = emptyFleet();
  for (const s of steps) f = stepSnapshot(f, snap({ node: s.node, ts: s.ts, routes: s.routes, intervalMs: 1000 }), s.ts, noResolver, cfg).state;
  return f;
}

describe("prefixOwner (the origin a flapping prefix's alert names)", () => {
  it("remembers the origin while its own route is gone or only echoed back by a neighbour (BIRD 1.6 RIPng flap)", () => {
    const f = fleetOf([
      { node: "r3", ts: 0, routes: [direct(STUB)] },
      { node: "r2", ts: 0, routes: [route(STUB, "fe80::3", { iface: "v23" })] },
      // r3's address is gone; r4 echoes the stub back at metric 5 (counting to infinity).
      { node: "r3", ts: 1000, routes: [route(STUB, "fe80::4", { iface: "v34", metric: 5 })] },
    ]);
    expect(prefixOwner(f, STUB)).toBe("r3");
    expect(f.nodes.r3?.owned).toEqual({ [STUB]: 0 });
  });

  it("prefers a node holding the prefix as its own now over an older owner, and forgets an owner after four churn half-lives", () => {
    const moved = fleetOf([
      { node: "r3", ts: 0, routes: [direct(STUB)] },
      { node: "r3", ts: 1000, routes: [] },
      { node: "r1", ts: 2000, routes: [direct(STUB)] },
    ]);
    expect(prefixOwner(moved, STUB)).toBe("r1");
    const forgotten = fleetOf([
      { node: "r3", ts: 0, routes: [direct(STUB)] },
      { node: "r3", ts: 4 * 10_000 + 1, routes: [] },
    ]);
    expect(forgotten.nodes.r3?.owned).toEqual({});
    expect(prefixOwner(forgotten, STUB)).toBeNull();
  });

  it("counts babeld's xroutes (originated routes, no next hop) as the node's own; default routes have no owner", () => {
    const f = fleetOf([
      { node: "r3", ts: 0, routes: [xroute(STUB), xroute("::/0")] },
      { node: "r1", ts: 0, routes: [route(STUB, "fe80::2", { iface: "v12", protocol: "babeld", metric: 320 })] },
    ]);
    expect(f.nodes.r3?.routes?.[STUB]).toEqual({ protocol: "babeld", type: "unicast", nextHop: "own", metric: 0, viaNode: null, originated: true });
    expect(prefixOwner(f, STUB)).toBe("r3");
    expect(prefixOwner(f, "::/0")).toBeNull();
  });
});
