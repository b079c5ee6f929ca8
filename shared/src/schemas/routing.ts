import { z } from "zod";
import { nullableInt, nullableNumber, shortText } from "./common";

/**
 * A routing neighbour (RIPng or Babel), from BIRD `show rip neighbors` /
 * `show babel neighbors` or babeld. Absent values are null, never invented.
 */
export const routingNeighbor = z.object({
  /** The protocol instance name (`rip1`, `babel1`, `babeld`). */
  protocol: shortText,
  kind: z.enum(["rip", "babel"]),
  address: shortText,
  iface: shortText.nullable(),
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
  reach: shortText.nullable(),
  auth: z.boolean().nullable(),
});
export type RoutingNeighbor = z.infer<typeof routingNeighbor>;

export const routingNeighbors = z.object({ neighbors: z.array(routingNeighbor).max(4096) });
export type RoutingNeighbors = z.infer<typeof routingNeighbors>;

/** BIRD `show rip interfaces` / `show babel interfaces`. */
export const routingInterface = z.object({
  protocol: shortText,
  iface: shortText,
  state: shortText.nullable(),
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
  routerId: shortText.nullable(),
  nexthop: shortText.nullable(),
  iface: shortText.nullable(),
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
  via: shortText.nullable(),
  iface: shortText.nullable(),
  weight: nullableInt,
});
export type NextHop = z.infer<typeof nextHop>;

/** One route (BIRD `show route [all]` in 1.6 or 2.x form, or babeld). */
export const route = z.object({
  prefix: shortText,
  /** Protocol instance that provides the route (`rip1`, `babel1`, `direct1`, `static1`). */
  protocol: shortText.nullable(),
  /** unicast, unreachable, blackhole, prohibit, dev ... */
  type: shortText.nullable(),
  /** The best route for this prefix (`*` in BIRD). */
  primary: z.boolean(),
  preference: nullableInt,
  metric: nullableNumber,
  nextHops: z.array(nextHop).max(64),
  /** Table name in BIRD 2 (`master6`). */
  table: shortText.nullable(),
  /** Time text as BIRD printed it (`09:34:47.143`, `2024-01-02`). */
  since: shortText.nullable(),
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
});
export type Route = z.infer<typeof route>;

/** Babel's infinite metric (RFC 8966): a retraction. */
export const BABEL_INFINITY = 0xffff;
/** RIP's infinite metric (RFC 2453/2080), BIRD's default `infinity`. */
export const RIP_INFINITY = 16;
/** Route types that lead nowhere (BIRD 2 names, BIRD 1.6 `prohibited`). */
export const UNREACHABLE_ROUTE_TYPES: ReadonlySet<string> = new Set(["unreachable", "blackhole", "prohibit", "prohibited"]);

/** The routing protocol behind a route's protocol instance, when it is one that retracts by infinity. */
export type RetractingProtocol = "rip" | "babel";

/**
 * Is this route, learned from `kind` (null: not from RIP/Babel), usable? RIP/Babel routes
 * at infinite metric or of an unreachable type are retractions; anything else (static,
 * kernel, direct, BGP, OSPF ...) stays as it is configured.
 */
export function learnedRouteReachable(kind: RetractingProtocol | null, type: string | null, metric: number | null): boolean {
  if (kind === null) return true;
  if (type !== null && UNREACHABLE_ROUTE_TYPES.has(type)) return false;
  return metric === null || metric < (kind === "rip" ? RIP_INFINITY : BABEL_INFINITY);
}

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
  table: shortText.nullable(),
  state: shortText,
  since: shortText.nullable(),
  info: shortText.nullable(),
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
