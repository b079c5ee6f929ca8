/*
 * Constants and pure rules of the snapshot contract that need no schema: the agent imports
 * them without building the snapshot's (classic zod) schemas. Re-exported by the package.
 */

export const SNAPSHOT_SECTIONS = ["interfaces", "stations", "meshPaths", "routing", "counters", "system", "wireless"] as const;
export type SnapshotSection = (typeof SNAPSHOT_SECTIONS)[number];

/** The largest message the controller accepts (bytes of JSON). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

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

/** The band of a centre frequency (MHz). */
export function bandOf(freqMhz: number | null): "2.4" | "5" | "6" | null {
  if (freqMhz === null) return null;
  if (freqMhz >= 2400 && freqMhz < 2500) return "2.4";
  if (freqMhz >= 5150 && freqMhz < 5925) return "5";
  if (freqMhz >= 5925 && freqMhz < 7200) return "6";
  return null;
}
