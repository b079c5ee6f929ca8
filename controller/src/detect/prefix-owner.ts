import type { FleetState } from "./fleet";
import { isOwnRoute, type RoutesState } from "./routes";

/** A node is remembered as a prefix's owner this many churn half-lives after it last held it (a flap episode is over by then). */
export const OWNER_MEMORY_HALF_LIVES = 4;

/**
 * When the node last held each prefix as its own (connected, or originated: babeld's
 * xroute), updated from its current best routes; entries older than `memoryMs` go. A
 * flapping origin loses its own route at every flap (and may even hear it echoed back by a
 * neighbour), so its ownership is remembered, not read from the current table only.
 */
export function stepOwned(prev: Readonly<Record<string, number>>, routes: RoutesState, ts: number, memoryMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [prefix, at] of Object.entries(prev)) if (ts - at <= memoryMs) out[prefix] = at;
  for (const [prefix, r] of Object.entries(routes)) if (isOwnRoute(r)) out[prefix] = ts;
  return out;
}

/**
 * The prefix's owner: a node holding it as its own now, else the one that held it last
 * (within the memory of `stepOwned`); ties by name. None for default routes.
 */
export function prefixOwner(fleet: FleetState, prefix: string): string | null {
  if (prefix === "::/0" || prefix === "0.0.0.0/0") return null;
  let best: { node: string; now: boolean; at: number } | null = null;
  for (const node of Object.keys(fleet.nodes).sort()) {
    const n = fleet.nodes[node]!;
    const r = n.routes?.[prefix];
    const now = r !== undefined && isOwnRoute(r);
    const at = n.owned?.[prefix];
    if (!now && at === undefined) continue;
    const c = { node, now, at: at ?? 0 };
    if (!best || (c.now && !best.now) || (c.now === best.now && c.at > best.at)) best = c;
  }
  return best?.node ?? null;
}
