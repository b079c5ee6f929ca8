import { BABEL_INFINITY, type RoutingNeighbor } from "@meshfleet/shared";
import { subjectOf, type NeighborEvent, type NeighborState, type Resolver, type Step } from "./types";

/** Per node: neighbours keyed by `address%iface`. */
export type NeighborsState = Record<string, NeighborState>;

function key(address: string, iface: string | null): string {
  return `${address}%${iface ?? ""}`;
}

/**
 * Is this neighbour reachable? A Babel neighbour at infinite cost is not: BIRD and babeld
 * keep listing a lost one (cost 65535) until the entry expires; it is gone, only not yet
 * forgotten.
 */
export function reachable(n: RoutingNeighbor): boolean {
  return !(n.kind === "babel" && n.metric !== null && n.metric >= BABEL_INFINITY);
}

/**
 * RIPng/Babel neighbours up / down on one node, per (address, interface); a Babel
 * neighbour at infinite cost counts as down. First observation: baseline.
 */
export function stepNeighbors(prev: NeighborsState | null, neighbors: readonly RoutingNeighbor[], node: string, ts: number, resolve: Resolver): Step<NeighborsState, NeighborEvent> {
  const next: NeighborsState = {};
  for (const n of neighbors) {
    if (!reachable(n)) continue;
    const address = n.address.toLowerCase();
    next[key(address, n.iface)] = { protocol: n.protocol, kind: n.kind, address, iface: n.iface, neighborNode: resolve.address(address) };
  }
  const events: NeighborEvent[] = [];
  if (prev === null) return { state: next, events };
  for (const k of [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort()) {
    const before = prev[k];
    const after = next[k];
    if (before && !after) {
      events.push({ code: "neighbor_down", node, ts, subject: subjectOf.neighbor(node, before.address, before.iface), address: before.address, iface: before.iface, before, after: null });
    } else if (!before && after) {
      events.push({ code: "neighbor_up", node, ts, subject: subjectOf.neighbor(node, after.address, after.iface), address: after.address, iface: after.iface, before: null, after });
    }
  }
  return { state: next, events };
}
