import { describe, expect, it } from "vitest";
import type { PackedSnapshot, PathTuple } from "../store/index";
import { buildTopology } from "./graph";

const MAC = { a: "02:00:00:00:0a:01", b: "02:00:00:00:0b:01", c: "02:00:00:00:0c:01", x: "02:00:00:00:ff:01" };
const macToNode = new Map([
  [MAC.a, "ap-a"],
  [MAC.b, "ap-b"],
  [MAC.c, "ap-c"],
]);

/** A snapshot holding only mesh paths [dest, nextHop, metric, hops]. */
function withPaths(paths: [string, string, number, number][]): PackedSnapshot {
  const mp: PathTuple[] = paths.map(([dest, next, metric, hops]) => [dest, next, "mesh0", metric, hops, 0x15, 1]);
  return { st: [], mp, nb: [], rt: [], ct: [], wi: [], sy: null, er: [], dr: 0 };
}

describe("buildTopology: relayed mesh paths", () => {
  it("lists paths whose next hop is not the destination, named by node, apart from the adjacencies", () => {
    const g = buildTopology({
      timestamp: 1,
      nodes: [
        // ap-a reaches ap-c through ap-b; ap-b reaches both directly; ap-c reaches ap-a through ap-b.
        { id: "ap-a", status: "online", model: null, data: withPaths([[MAC.b, MAC.b, 100, 1], [MAC.c, MAC.b, 900, 2]]) },
        { id: "ap-b", status: "online", model: null, data: withPaths([[MAC.a, MAC.a, 100, 1], [MAC.c, MAC.c, 120, 1]]) },
        // ap-c: a relayed path through a MAC outside the fleet, and one to a destination the graph does not know.
        { id: "ap-c", status: "online", model: null, data: withPaths([[MAC.c.toUpperCase(), MAC.c, 1, 1], [MAC.a, MAC.x, 950, 3], [MAC.c, MAC.b, 5, 2], ["02:00:00:00:ee:01", MAC.b, 400, 2], [MAC.a, MAC.b, 990, 3]]) },
      ],
      macToNode,
      addressToNode: new Map(),
    });
    expect(g.relayedPaths).toEqual([
      { source: "ap-a", destination: "ap-c", via: "ap-b", hops: 2, metric: 900 },
      // The first entry per destination wins (a second mesh interface would list it again).
      { source: "ap-c", destination: "ap-a", via: MAC.x, hops: 3, metric: 950 },
    ]);
    // Relayed paths are no adjacency: the links are the direct paths only.
    expect(g.links.map((l) => [l.source, l.target, l.cost])).toEqual([
      ["ap-a", "ap-b", 100],
      ["ap-b", "ap-c", 120],
    ]);
    expect(g.nodes.map((n) => n.id)).toEqual(["ap-a", "ap-b", "ap-c"]);
  });

  it("has none when every path is direct or a node sent nothing", () => {
    const g = buildTopology({
      timestamp: 1,
      nodes: [
        { id: "ap-a", status: "online", model: null, data: withPaths([[MAC.b, MAC.b, 100, 1]]) },
        { id: "ap-b", status: "offline", model: null, data: null },
      ],
      macToNode,
      addressToNode: new Map(),
    });
    expect(g.relayedPaths).toEqual([]);
    expect(g.links).toHaveLength(1);
  });
});

describe("buildTopology: link health", () => {
  it("puts the detector's health on mesh links and keeps a link held down in the graph", () => {
    const side = { node: "ap-a", peer: "ap-b", signalDbm: -86, baselineSignalDbm: -78, expectedThroughputMbps: 17.5, baselineThroughputMbps: 143, samples: 400 };
    const g = buildTopology({
      timestamp: 1,
      nodes: [
        { id: "ap-a", status: "online", model: null, data: withPaths([[MAC.b, MAC.b, 100, 1]]) },
        { id: "ap-b", status: "online", model: null, data: withPaths([[MAC.a, MAC.a, 100, 1]]) },
        { id: "ap-c", status: "online", model: null, data: withPaths([]) },
      ],
      macToNode,
      addressToNode: new Map(),
      linkHealth: new Map([
        ["link:ap-a-ap-b", { health: "degraded" as const, nodes: ["ap-a", "ap-b"] as const, since: 500, reason: "throughput", sides: [side] }],
        ["link:ap-b-ap-c", { health: "down" as const, nodes: ["ap-b", "ap-c"] as const, since: 900, reason: null, sides: [] }],
      ]),
    });
    expect(g.links.map((l) => [l.source, l.target, l.cost, l.properties?.health, l.properties?.healthDetail])).toEqual([
      ["ap-a", "ap-b", 100, "degraded", { since: 500, reason: "throughput", sides: [side] }],
      ["ap-b", "ap-c", 0, "down", { since: 900, reason: null, sides: [] }],
    ]);
  });
});

describe("buildTopology: mesh links", () => {
  it("carry each side's view of the other: airtime cost, signal and expected throughput per direction", () => {
    const peer = (mac: string, signal: number, tput: number, airtime: number): PackedSnapshot["st"][number] => ["mesh0", mac, signal, signal, 65, 65, tput, 10, "ESTAB", airtime];
    const snap = (st: PackedSnapshot["st"]): PackedSnapshot => ({ st, mp: [], nb: [], rt: [], ct: [], wi: [], sy: null, er: [], dr: 0 });
    const g = buildTopology({
      timestamp: 1,
      nodes: [
        { id: "ap-a", status: "online", model: null, data: snap([peer(MAC.b, -61, 48.5, 180)]) },
        { id: "ap-b", status: "online", model: null, data: snap([peer(MAC.a, -64, 40, 220)]) },
      ],
      macToNode,
      addressToNode: new Map(),
    });
    expect(g.links).toEqual([
      {
        source: "ap-a",
        target: "ap-b",
        cost: 200,
        properties: { type: "mesh", costs: { "ap-a>ap-b": 180, "ap-b>ap-a": 220 }, signal: { "ap-a>ap-b": -61, "ap-b>ap-a": -64 }, throughput: { "ap-a>ap-b": 48.5, "ap-b>ap-a": 40 }, plink: "ESTAB" },
      },
    ]);
  });
});
