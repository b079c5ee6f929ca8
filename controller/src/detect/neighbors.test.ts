import { describe, expect, it } from "vitest";
import { stepNeighbors } from "./neighbors";
import { neighbor } from "../../testing/detect";
import type { Resolver } from "./types";

const resolve: Resolver = { mac: () => null, address: (a) => (a === "fe80::2" ? "r2" : null) };

describe("stepNeighbors", () => {
  it("reports neighbours up and down per (address, interface), naming the neighbour node", () => {
    const s0 = stepNeighbors(null, [neighbor("FE80::2", "eth0"), neighbor("fe80::4", "eth1")], "r1", 1000, resolve);
    expect(s0.events).toEqual([]);
    const s1 = stepNeighbors(s0.state, [neighbor("fe80::4", "eth1"), neighbor("fe80::2", "eth2")], "r1", 2000, resolve);
    expect(s1.events).toEqual([
      { code: "neighbor_down", node: "r1", ts: 2000, subject: "neighbor:r1:fe80::2%eth0", address: "fe80::2", iface: "eth0", before: { protocol: "rip1", kind: "rip", address: "fe80::2", iface: "eth0", neighborNode: "r2" }, after: null },
      { code: "neighbor_up", node: "r1", ts: 2000, subject: "neighbor:r1:fe80::2%eth2", address: "fe80::2", iface: "eth2", before: null, after: { protocol: "rip1", kind: "rip", address: "fe80::2", iface: "eth2", neighborNode: "r2" } },
    ]);
  });

  it("reports nothing when the neighbour set is unchanged", () => {
    const s0 = stepNeighbors(null, [neighbor("fe80::2", "eth0", "babel")], "r1", 1000, resolve);
    expect(stepNeighbors(s0.state, [neighbor("fe80::2", "eth0", "babel")], "r1", 2000, resolve).events).toEqual([]);
  });

  it("counts a Babel neighbour at infinite cost (65535, as BIRD lists a lost one until it expires) as down", () => {
    const lost = { ...neighbor("fe80::2", "eth0", "babel"), metric: 65535 };
    const s0 = stepNeighbors(null, [neighbor("fe80::2", "eth0", "babel")], "r1", 1000, resolve);
    const s1 = stepNeighbors(s0.state, [lost], "r1", 2000, resolve);
    expect(s1.events.map((e) => [e.code, e.subject])).toEqual([["neighbor_down", "neighbor:r1:fe80::2%eth0"]]);
    expect(stepNeighbors(s1.state, [], "r1", 3000, resolve).events).toEqual([]);
    expect(stepNeighbors(s1.state, [neighbor("fe80::2", "eth0", "babel")], "r1", 3000, resolve).events.map((e) => e.code)).toEqual(["neighbor_up"]);
  });
});
