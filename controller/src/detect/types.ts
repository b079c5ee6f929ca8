/**
 * Detection events: what changed between two observations of the fleet. Each event has a
 * stable `code`, the node it happened on (by id), the time of the observation that showed
 * it (`ts`, ms), a `subject` naming the thing that changed (`route:r1:::/0`), and the
 * values before and after (null when the thing did not exist on that side).
 */

/** A node's best route for one prefix, reduced to what churn cares about. */
export interface RouteState {
  protocol: string | null;
  type: string | null;
  /** Next hops as `via%iface` (or `dev iface`), sorted, joined with `,`. */
  nextHop: string;
  metric: number | null;
  /** The fleet node behind the (first) next-hop address, when known. */
  viaNode: string | null;
  /** The node originates the prefix (babeld's xroute; `nextHop` is `own`). */
  originated?: true;
  /**
   * Next hops of the other reachable routes the daemon offers for the prefix at the best
   * route's metric (babeld's and BIRD's alternates), sorted; absent when there are none.
   */
  equalPaths?: string[];
}

export interface NeighborState {
  protocol: string;
  kind: "rip" | "babel";
  address: string;
  iface: string | null;
  /** The fleet node owning the neighbour's address, when known. */
  neighborNode: string | null;
}

export interface MeshPathState {
  nextHop: string;
  /** The fleet node behind the next-hop MAC, when known. */
  nextHopNode: string | null;
  direct: boolean;
  metric: number | null;
  iface: string;
}

interface Base<C extends string, B, A> {
  code: C;
  node: string;
  ts: number;
  subject: string;
  before: B;
  after: A;
}

/** `countToInfinity`: the event is part of a RIP route's count to infinity (count-to-infinity.ts) and weighs `penalty` as churn. */
type RouteWhere = { prefix: string; countToInfinity?: { penalty: number } };
export type RouteEvent =
  | (Base<"route_added", null, RouteState> & RouteWhere)
  | (Base<"route_withdrawn", RouteState, null> & RouteWhere)
  | (Base<"route_nexthop_changed", RouteState, RouteState> & RouteWhere)
  | (Base<"route_metric_changed", RouteState, RouteState> & RouteWhere);

export type NeighborEvent = (Base<"neighbor_up", null, NeighborState> | Base<"neighbor_down", NeighborState, null>) & { address: string; iface: string | null };

export type MeshPathEvent =
  | (Base<"mesh_path_changed", MeshPathState, MeshPathState> & { dest: string; destNode: string | null })
  | (Base<"mesh_path_lost", MeshPathState, null> & { dest: string; destNode: string | null })
  | (Base<"mesh_path_bogus", MeshPathState | null, MeshPathState> & { dest: string; destNode: string | null });

export type MeshPeerEvent =
  | (Base<"mesh_peer_up", { plink: string | null } | null, { plink: string }> & { peer: string; peerNode: string | null; iface: string })
  | (Base<"mesh_peer_down", { plink: string }, { plink: string | null } | null> & { peer: string; peerNode: string | null; iface: string });

/** One side of a mesh link: what `node` measures towards `peer`, now (median of the last samples) and normally (baseline). */
export interface LinkSideView {
  node: string;
  peer: string;
  signalDbm: number | null;
  baselineSignalDbm: number | null;
  expectedThroughputMbps: number | null;
  baselineThroughputMbps: number | null;
  /** Samples learned into the baseline. */
  samples: number;
}

/** Link events: subject `link:a-b` (both directions folded), `node` is `a`, `nodes` both ends. */
export type LinkEvent =
  | (Base<"link_degraded", null, { sides: LinkSideView[] }> & { nodes: [string, string]; sinceTs: number; reason: "signal" | "throughput" | "floor" })
  | (Base<"link_recovered", { sides: LinkSideView[] }, { sides: LinkSideView[] }> & { nodes: [string, string]; sinceTs: number; reason: "recovered" | "new_normal" })
  | (Base<"mesh_link_down", { lastSeenTs: number; sides: LinkSideView[]; wasDegraded: boolean }, null> & { nodes: [string, string]; sinceTs: number })
  | (Base<"mesh_link_up", null, { sides: LinkSideView[] }> & { nodes: [string, string] });

export type NodeEvent =
  | Base<"node_online", { lastSeenTs: number } | null, { boot: string }>
  | Base<"node_offline", { lastSeenTs: number }, null>
  | Base<"node_rebooted", { boot: string }, { boot: string; uptimeSec: number | null }>;

export type StationEvent =
  | (Base<"station_associated", null, { node: string; iface: string }> & { mac: string })
  | (Base<"station_left", { node: string; iface: string; lastSeenTs: number }, null> & { mac: string })
  | (Base<"station_roamed", { node: string; iface: string; lastSeenTs: number }, { node: string; iface: string }> & { mac: string; gapMs: number });

export type PrefixEvent = Base<"delegated_prefix_changed", string[], string[]>;

type RadioWhere = { iface: string; channel: number | null; freqMhz: number | null };
export type RadioEvent =
  | (Base<"channel_congested", null, { busyPct: number; thresholdPct: number }> & RadioWhere & { sinceTs: number })
  | (Base<"channel_congestion_cleared", { busyPct: null }, { busyPct: number | null; reason: string }> & RadioWhere)
  | (Base<"noise_floor_raised", null, { noiseDbm: number; baselineDbm: number; riseDb: number }> & RadioWhere & { sinceTs: number })
  | (Base<"noise_floor_normal", { noiseDbm: null; baselineDbm: number | null }, { noiseDbm: number | null; baselineDbm: number | null; reason: string }> & RadioWhere);

export type DetectEvent = RouteEvent | NeighborEvent | MeshPathEvent | MeshPeerEvent | LinkEvent | NodeEvent | StationEvent | PrefixEvent | RadioEvent;
export type EventCode = DetectEvent["code"];

export const EVENT_CODES = [
  "route_added",
  "route_withdrawn",
  "route_nexthop_changed",
  "route_metric_changed",
  "neighbor_up",
  "neighbor_down",
  "mesh_path_changed",
  "mesh_path_lost",
  "mesh_path_bogus",
  "mesh_peer_up",
  "mesh_peer_down",
  "link_degraded",
  "link_recovered",
  "mesh_link_down",
  "mesh_link_up",
  "node_online",
  "node_offline",
  "node_rebooted",
  "station_associated",
  "station_left",
  "station_roamed",
  "delegated_prefix_changed",
  "channel_congested",
  "channel_congestion_cleared",
  "noise_floor_raised",
  "noise_floor_normal",
] as const satisfies readonly EventCode[];

/** A detector's result: its next state and what it saw change. */
export interface Step<S, E = DetectEvent> {
  state: S;
  events: E[];
}

/** Resolves a MAC or an address seen in one node's data to the fleet node that owns it. */
export interface Resolver {
  mac(mac: string): string | null;
  address(address: string): string | null;
}

export const noResolver: Resolver = { mac: () => null, address: () => null };

/** Subjects, built in one place. */
export const subjectOf = {
  route: (node: string, prefix: string) => `route:${node}:${prefix}`,
  neighbor: (node: string, address: string, iface: string | null) => `neighbor:${node}:${address}%${iface ?? ""}`,
  meshPath: (node: string, dest: string) => `mpath:${node}:${dest}`,
  meshPeer: (node: string, peer: string) => `peer:${node}:${peer}`,
  node: (node: string) => `node:${node}`,
  station: (mac: string) => `station:${mac}`,
  prefix: (node: string) => `prefix:${node}`,
  radio: (node: string, iface: string) => `radio:${node}:${iface}`,
  link: (a: string, b: string) => (a < b ? `link:${a}-${b}` : `link:${b}-${a}`),
} as const;
