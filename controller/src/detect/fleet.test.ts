import { describe, expect, it } from "vitest";
import { emptyFleet, stepSnapshot, tickFleet, detectConfig } from "./fleet";
import { route, neighbor, snap } from "../../testing/detect";
import { noResolver } from "./types";

describe("fleet detector", () => {
  it("runs every detector on a snapshot and leaves sections without data alone", () => {
    const s0 = stepSnapshot(emptyFleet(), snap({ node: "r1", ts: 1000, routes: [route("::/0", "fe80::2")], neighbors: [neighbor("fe80::2", "eth0")], delegated: ["2001:db8:1200::/56"] }), 1000, noResolver);
    expect(s0.events.map((e) => e.code)).toEqual(["node_online"]);
    // birdc failed this cycle: no route or neighbour events.
    const s1 = stepSnapshot(s0.state, snap({ node: "r1", ts: 11_000, seq: 2, routes: null, delegated: ["2001:db8:1200::/56"] }), 11_000, noResolver);
    expect(s1.events).toEqual([]);
    const s2 = stepSnapshot(s1.state, snap({ node: "r1", ts: 21_000, seq: 3, routes: [], delegated: ["2001:db8:3400::/56"] }), 21_000, noResolver);
    expect(s2.events.map((e) => [e.code, e.before, e.after])).toEqual([
      ["neighbor_down", { protocol: "rip1", kind: "rip", address: "fe80::2", iface: "eth0", neighborNode: null }, null],
      ["route_withdrawn", { protocol: "rip1", type: "unicast", nextHop: "fe80::2%eth0", metric: 2, viaNode: null }, null],
      ["delegated_prefix_changed", ["2001:db8:1200::/56"], ["2001:db8:3400::/56"]],
    ]);
  });

  it("ticks nodes offline with the configured intervals", () => {
    const cfg = detectConfig({ offlineAfterIntervals: 2 });
    const s0 = stepSnapshot(emptyFleet(), snap({ node: "r1", ts: 0, intervalMs: 1000 }), 0, noResolver, cfg);
    expect(tickFleet(s0.state, 2000, cfg).events).toEqual([]);
    expect(tickFleet(s0.state, 2001, cfg).events.map((e) => e.code)).toEqual(["node_offline"]);
  });
});
