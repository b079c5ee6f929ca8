import { z } from "zod";
import { nullableInt, nullableNumber } from "./common";
import { shortText } from "./primitives";
import { learnedRouteReachable, type RetractingProtocol } from "./constants";

/**
 * A routing neighbour (RIPng or Babel), from BIRD `show rip neighbors` /
 * `show babel neighbors` or babeld. Absent values are null, never invented.
 */
export const routingNeighbor = z.object({
  /** The protocol instance name (`rip1`, `babel1`, `babeld`). */
  protocol: shortText,
  kind: z.enum(["rip", "babel"]),
  address: shortText,
  iface: z.nullable(shortText),
  metric: nullableNumber,
  routes: nullableInt,
  /** RIP: seconds since last heard. */
  seenSec: nullableNumber,
  /** Babel: hello reachability/interval, expiry, rtt, cost. */
  helloSec: nullableNumber,
  expiresSec: nullableNumber,
  rttMs: nullableNumber,
  rxcost: nullableNumber,
  txcost: nullableNumber,
  reach: z.nullable(shortText),
  auth: z.boolean().nullable(),
});
export type RoutingNeighbor = z.infer<typeof routingNeighbor>;

export const routingNeighbors = z.object({ neighbors: z.array(routingNeighbor).max(4096) });
export type RoutingNeighbors = z.infer<typeof routingNeighbors>;

/** BIRD `show rip interfaces` / `show babel interfaces`. */
export const routingInterface = z.object({
  protocol: shortText,
  iface: shortText,
  state: z.nullable(shortText),
  metric: nullableNumber,
  neighbors: nullableInt,
  timerSec: nullableNumber,
});
export type RoutingInterface = z.infer<typeof routingInterface>;
export const routingInterfaces = z.object({ interfaces: z.array(routingInterface).max(1024) });
export type RoutingInterfaces = z.infer<typeof routingInterfaces>;

/** BIRD `show babel entries` / `show babel routes`. */
export const babelEntry = z.object({
  protocol: shortText,
  prefix: shortText,
  routerId: z.nullable(shortText),
  nexthop: z.nullable(shortText),
  iface: z.nullable(shortText),
  metric: nullableNumber,
  seqno: nullableInt,
  feasible: z.boolean().nullable(),
  expiresSec: nullableNumber,
  selected: z.boolean().nullable(),
  routes: nullableInt,
  sources: nullableInt,
});
export type BabelEntry = z.infer<typeof babelEntry>;
export const babelEntries = z.object({ entries: z.array(babelEntry).max(16384) });
export type BabelEntries = z.infer<typeof babelEntries>;

export const nextHop = z.object({
  via: z.nullable(shortText),
  iface: z.nullable(shortText),
  weight: nullableInt,
});
export type NextHop = z.infer<typeof nextHop>;

/** One route (BIRD `show route [all]` in 1.6 or 2.x form, or babeld). */
export const route = z.object({
  prefix: shortText,
  /** Protocol instance that provides the route (`rip1`, `babel1`, `direct1`, `static1`). */
  protocol: z.nullable(shortText),
  /** unicast, unreachable, blackhole, prohibit, dev ... */
  type: z.nullable(shortText),
  /** The best route for this prefix (`*` in BIRD). */
  primary: z.boolean(),
  preference: nullableInt,
  metric: nullableNumber,
  nextHops: z.array(nextHop).max(64),
  /** Table name in BIRD 2 (`master6`). */
  table: z.nullable(shortText),
  /** Time text as BIRD printed it (`09:34:47.143`, `2024-01-02`). */
  since: z.nullable(shortText),
  /** `show route all` attributes (`Babel.metric`, `BGP.as_path`, ...). */
  attrs: z.record(z.string(), z.string()).optional(),
  /**
   * False when the daemon still lists the route but it leads nowhere because the routing
   * protocol retracted it: learned from RIP/Babel at infinite metric (RIP 16, Babel
   * 0xFFFF) or of type unreachable/blackhole/prohibit. Such a route counts as withdrawn,
   * its return as added. Static/kernel `unreachable` aggregates are configured routes and
   * stay reachable. Absent from older agents: read it with `routeReachable`.
   */
  reachable: z.boolean().optional(),
  /**
   * True for a prefix the node itself originates without a route to it in the daemon's
   * table: babeld's exported routes (xroutes: redistributed connected or kernel routes).
   * BIRD lists its own prefixes as direct routes (a device, no gateway) and does not set
   * it. Absent from older agents (they did not report xroutes at all).
   */
  originated: z.boolean().optional(),
});
export type Route = z.infer<typeof route>;

/**
 * The route's reachability: the agent's flag, or for a route from an agent that predates
 * it, the same rule with the protocol guessed from the instance name (`rip1`, `babel1`,
 * `babeld`, BIRD's usual names).
 */
export function routeReachable(r: Pick<Route, "reachable" | "protocol" | "type" | "metric">): boolean {
  if (r.reachable !== undefined) return r.reachable;
  const name = (r.protocol ?? "").toLowerCase();
  const kind: RetractingProtocol | null = name.startsWith("rip") ? "rip" : name.startsWith("babel") ? "babel" : null;
  return learnedRouteReachable(kind, r.type, r.metric);
}
export const routeTable = z.object({ routes: z.array(route).max(65536) });
export type RouteTable = z.infer<typeof routeTable>;

/** BIRD `show protocols`. */
export const routingProtocol = z.object({
  name: shortText,
  proto: shortText,
  table: z.nullable(shortText),
  state: shortText,
  since: z.nullable(shortText),
  info: z.nullable(shortText),
});
export type RoutingProtocol = z.infer<typeof routingProtocol>;
export const routingProtocols = z.object({ protocols: z.array(routingProtocol).max(1024) });
export type RoutingProtocols = z.infer<typeof routingProtocols>;

export const routingDaemon = z.enum(["bird1", "bird2", "babeld", "none"]);
export type RoutingDaemon = z.infer<typeof routingDaemon>;

/** The routing section of a snapshot: what the daemon sees. */
export const routingView = z.object({
  daemon: routingDaemon,
  protocols: z.array(routingProtocol).max(1024),
  interfaces: z.array(routingInterface).max(1024),
  neighbors: z.array(routingNeighbor).max(4096),
  routes: z.array(route).max(65536),
});
export type RoutingView = z.infer<typeof routingView>;
