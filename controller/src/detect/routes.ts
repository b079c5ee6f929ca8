import { routeReachable, type Route } from "@meshfleet/shared";
import { subjectOf, type Resolver, type RouteEvent, type RouteState, type Step } from "./types";

/** Per node: the best route per prefix at the last observation. */
export type RoutesState = Record<string, RouteState>;

function hopText(r: Route): string {
  if (r.originated) return "own";
  if (r.nextHops.length === 0) return r.type ?? "none";
  return r.nextHops
    .map((h) => (h.via ? `${h.via.toLowerCase()}%${h.iface ?? ""}` : `dev ${h.iface ?? "?"}`))
    .sort()
    .join(",");
}

/**
 * The best route per prefix (BIRD's `*`, babeld's installed route); the first one wins
 * when several tables list it. A best route that is unreachable (retracted: infinite
 * metric, type unreachable from RIP/Babel) is no route at all; alternates never count.
 */
export function bestRoutes(routes: readonly Route[], resolve: Resolver): RoutesState {
  const out: RoutesState = {};
  const seen = new Set<string>();
  for (const r of routes) {
    if (!r.primary || seen.has(r.prefix)) continue;
    seen.add(r.prefix);
    if (!routeReachable(r)) continue;
    const via = r.nextHops.find((h) => h.via)?.via ?? null;
    const hop = hopText(r);
    const equal = r.metric === null || r.originated ? [] : equalPaths(routes, r, hop);
    out[r.prefix] = {
      protocol: r.protocol,
      type: r.type,
      nextHop: hop,
      metric: r.metric,
      viaNode: via ? resolve.address(via.toLowerCase()) : null,
      ...(r.originated ? { originated: true as const } : {}),
      ...(equal.length > 0 ? { equalPaths: equal } : {}),
    };
  }
  return out;
}

/** The next hops of the other reachable routes to the best route's prefix, of its protocol and metric (the daemon's equal alternates). */
function equalPaths(routes: readonly Route[], best: Route, hop: string): string[] {
  const out = new Set<string>();
  for (const r of routes) {
    if (r === best || r.prefix !== best.prefix || r.protocol !== best.protocol || r.metric !== best.metric || r.originated || !routeReachable(r) || r.nextHops.length === 0) continue;
    const h = hopText(r);
    if (h !== hop) out.add(h);
  }
  return [...out].sort();
}

/** The node's own prefix: originated by it (babeld's xroute) or directly connected (a device, no gateway). */
export const isOwnRoute = (r: Pick<RouteState, "nextHop" | "originated">): boolean => r.originated === true || r.nextHop.startsWith("dev ");

/**
 * Route changes on one node between two observations of its routing table: added,
 * withdrawn (gone, or retracted: still listed but unreachable), next hop changed,
 * metric changed (best reachable route only). `prev === null` is the
 * first observation: a baseline, no events.
 */
export function stepRoutes(prev: RoutesState | null, routes: readonly Route[], node: string, ts: number, resolve: Resolver): Step<RoutesState, RouteEvent> {
  const next = bestRoutes(routes, resolve);
  const events: RouteEvent[] = [];
  if (prev === null) return { state: next, events };
  const prefixes = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
  for (const prefix of prefixes) {
    const before = prev[prefix];
    const after = next[prefix];
    const base = { node, ts, subject: subjectOf.route(node, prefix), prefix };
    if (!before && after) events.push({ ...base, code: "route_added", before: null, after });
    else if (before && !after) events.push({ ...base, code: "route_withdrawn", before, after: null });
    else if (before && after) {
      if (before.nextHop !== after.nextHop) events.push({ ...base, code: "route_nexthop_changed", before, after });
      else if (before.metric !== after.metric) events.push({ ...base, code: "route_metric_changed", before, after });
    }
  }
  return { state: next, events };
}
