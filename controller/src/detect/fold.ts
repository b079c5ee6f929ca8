import type { AlertCode } from "@meshfleet/shared";

/**
 * Root-cause folding: one problem, one alert. A symptom (a flapping route, path or
 * neighbour, a slow convergence, a link down or degraded) that involves a node or link
 * already known to have a problem is added to that problem's alert as evidence instead of
 * opening its own. Problems are open alerts, alerts resolved less than `windowMs` ago
 * (what a node's return or a link's restore shakes up), and problems the detectors see
 * before their alert's tolerance has passed (a node gone silent, a link missing on one
 * side or below its baseline). Pure: the service gathers the inputs.
 */

/** Who a symptom or a cause is about: node ids, and `prefix:<p>` for route flapping. */
export type Keys = readonly string[];

export interface Cause {
  /** The alert that absorbs the symptom (null: a problem seen before its alert opened). */
  alert: { code: AlertCode; subject: string } | null;
  /** The alert's id when it is resolved (open alerts are found by code and subject). */
  id?: string;
  /** The alert a live problem would become (what it may absorb follows from it). */
  as: AlertCode;
  /** What it is, for the log and the evidence (`node node-5 offline`). */
  label: string;
  keys: Keys;
  /** Open alerts and live problems: null; resolved alerts: when. */
  resolvedAt: number | null;
  /** route_flapping: when the churn it stands for started (propagated churn starts with it). */
  startTs?: number | null;
}

/** Another node's churn on the same prefix is the same flap when it started within this of the alert's. */
export const FLAP_PROPAGATION_MS = 5 * 60_000;

export const FOLD_WINDOW_MS = 10 * 60_000;

/** Codes that can be folded into a cause, and the cause codes each one may fold into. */
const FOLDS_INTO: Partial<Record<AlertCode, readonly AlertCode[]>> = {
  route_flapping: ["node_offline", "mesh_link_down", "link_degraded", "lint", "route_flapping"],
  mesh_path_flapping: ["node_offline", "mesh_link_down", "link_degraded", "lint"],
  neighbor_flapping: ["node_offline", "mesh_link_down", "link_degraded", "lint"],
  slow_convergence: ["node_offline", "mesh_link_down", "link_degraded", "lint", "route_flapping"],
  mesh_link_down: ["node_offline", "lint"],
  link_degraded: ["node_offline", "lint"],
};

export function canFold(code: AlertCode): boolean {
  return code in FOLDS_INTO;
}

/**
 * The cause a symptom folds into, if any: the first cause (open alerts first, then live
 * problems, then recently resolved alerts) sharing a key with the symptom. A route
 * flapping folds into another route flapping only through the same prefix (the origin
 * node's alert); a link alert never into itself.
 */
export function findCause(symptom: { code: AlertCode; subject: string; keys: Keys; startTs?: number | null }, causes: readonly Cause[], nowMs: number, windowMs = FOLD_WINDOW_MS): Cause | null {
  const allowed = FOLDS_INTO[symptom.code];
  if (!allowed) return null;
  const keys = new Set(symptom.keys);
  const rank = (c: Cause) => (c.resolvedAt !== null ? 2 : c.alert ? 0 : 1);
  const candidates = causes
    .filter((c) => allowed.includes(c.as) && !(c.alert?.code === symptom.code && c.alert.subject === symptom.subject))
    .filter((c) => c.resolvedAt === null || nowMs - c.resolvedAt <= windowMs)
    .filter((c) => {
      // Another node's churn on the same prefix folds through the prefix; a slow convergence
      // while a route flaps (the flap keeps the incident open) through the flapping nodes.
      if (c.as === "route_flapping" && symptom.code === "route_flapping") {
        // The same prefix (::/0 of another mesh, or a new flap an hour later, is another problem).
        const near = c.startTs == null || symptom.startTs == null || Math.abs(symptom.startTs - c.startTs) <= FLAP_PROPAGATION_MS;
        return near && c.keys.some((k) => k.startsWith("prefix:") && keys.has(k));
      }
      if (c.as === "route_flapping" && symptom.code !== "slow_convergence") return false;
      return c.keys.some((k) => keys.has(k));
    });
  return candidates.sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/** The nodes to blame in a channel or mesh id mismatch: the smallest group(s). */
export function mismatchCulprits(groups: Record<string, readonly string[]>): string[] {
  const sizes = Object.values(groups).map((g) => g.length);
  const min = Math.min(...sizes);
  if (Object.keys(groups).length < 2) return [];
  return [...new Set(Object.values(groups).filter((g) => g.length === min).flat())].sort();
}
