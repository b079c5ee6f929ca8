import { ZERO_MAC, type MeshPath } from "@meshfleet/shared";
import { subjectOf, type MeshPathEvent, type MeshPathState, type Resolver, type Step } from "./types";

/** Per node: mesh paths keyed by destination MAC. */
export type MeshPathsState = Record<string, MeshPathState>;

export function isBogus(p: MeshPathState): boolean {
  return p.nextHop === ZERO_MAC;
}

/**
 * 802.11s path changes on one node, per destination: next hop changed (direct <-> via a
 * relay, relay A -> relay B), path lost, bogus next hop `00:00:00:00:00:00`. The first
 * observation is a baseline, except that bogus paths are reported at once.
 */
export function stepMeshPaths(prev: MeshPathsState | null, paths: readonly MeshPath[], node: string, ts: number, resolve: Resolver): Step<MeshPathsState, MeshPathEvent> {
  const next: MeshPathsState = {};
  for (const p of paths) {
    const dest = p.dest.toLowerCase();
    const nextHop = p.nextHop.toLowerCase();
    next[dest] = { nextHop, nextHopNode: nextHop === ZERO_MAC ? null : resolve.mac(nextHop), direct: nextHop === dest, metric: p.metric, iface: p.iface };
  }
  const events: MeshPathEvent[] = [];
  for (const dest of [...new Set([...Object.keys(prev ?? {}), ...Object.keys(next)])].sort()) {
    const before = prev?.[dest] ?? null;
    const after = next[dest] ?? null;
    const base = { node, ts, subject: subjectOf.meshPath(node, dest), dest, destNode: resolve.mac(dest) };
    if (after && isBogus(after)) {
      if (!before || !isBogus(before)) events.push({ ...base, code: "mesh_path_bogus", before, after });
    } else if (prev === null) {
      continue;
    } else if (before && !after) {
      events.push({ ...base, code: "mesh_path_lost", before, after: null });
    } else if (before && after && before.nextHop !== after.nextHop) {
      events.push({ ...base, code: "mesh_path_changed", before, after });
    }
  }
  return { state: next, events };
}

/** A short human text for a path: `direct` or `via r2 (84:c9:…)`. */
export function describePath(p: MeshPathState | null): string {
  if (!p) return "none";
  if (isBogus(p)) return `bogus next hop ${ZERO_MAC}`;
  if (p.direct) return "direct";
  return `via ${p.nextHopNode ?? p.nextHop}`;
}
