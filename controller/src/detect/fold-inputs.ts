import type { Alert } from "@meshfleet/shared";
import type { AlertInput } from "../alerts/types";
import type { StoredEvent } from "./churn-score";
import type { FleetState } from "./fleet";
import { FOLD_WINDOW_MS, mismatchCulprits, type Cause } from "./fold";
import { prefixOwner } from "./prefix-owner";

const nodesOf = (detail: Record<string, unknown> | undefined): string[] => (Array.isArray(detail?.nodes) ? (detail.nodes as unknown[]).filter((n): n is string => typeof n === "string") : []);

/** The cause keys of an alert (null: the alert is no cause). */
function alertKeys(a: Pick<Alert, "code" | "subject" | "node" | "evidence">): string[] | null {
  const d = a.evidence.detail;
  switch (a.code) {
    case "node_offline":
      return a.node ? [a.node] : null;
    case "mesh_link_down":
    case "link_degraded":
      return nodesOf(d);
    case "route_flapping": {
      // The prefix, and the nodes flapping on it (the origin, where it crossed, folded churn).
      const folded = Array.isArray(d?.folded) ? (d.folded as { node?: unknown }[]).map((f) => f.node) : [];
      const nodes = [a.node, d?.crossedOn, ...folded].filter((n): n is string => typeof n === "string");
      return [`prefix:${a.subject.split(":").slice(2).join(":")}`, ...new Set(nodes)];
    }
    case "lint":
      if (a.subject === "lint:mesh_channel_mismatch" && d?.channels) return mismatchCulprits(d.channels as Record<string, string[]>);
      if (a.subject === "lint:mesh_id_mismatch" && d?.meshIds) return mismatchCulprits(d.meshIds as Record<string, string[]>);
      return null;
    default:
      return null;
  }
}

/**
 * Everything a symptom may fold into right now: open alerts that are causes, causes
 * resolved within the window, and problems the detectors see before an alert: a node
 * silent for more than 1.5 intervals or back from a reboot/outage within the window, a
 * link missing on a side, under its baseline, degraded or down.
 */
export function currentCauses(o: { open: readonly Alert[]; resolved: readonly Alert[]; fleet: FleetState; backAt: ReadonlyMap<string, number>; now: number; windowMs?: number; flapStart?: (a: Alert) => number | null }): Cause[] {
  const out: Cause[] = [];
  const startOf = (a: Alert) => (a.code === "route_flapping" && o.flapStart ? { startTs: o.flapStart(a) } : {});
  for (const a of o.open) {
    const keys = alertKeys(a);
    if (keys && keys.length > 0) out.push({ alert: { code: a.code, subject: a.subject }, as: a.code, label: `${a.code} ${a.subject}`, keys, resolvedAt: null, ...startOf(a) });
  }
  for (const [node, p] of Object.entries(o.fleet.presence)) {
    if (p.online && o.now - p.lastRecv > 1.5 * p.intervalMs) out.push({ alert: null, as: "node_offline", label: `${node} silent`, keys: [node], resolvedAt: null });
  }
  for (const [node, at] of o.backAt) if (o.now - at <= (o.windowMs ?? FOLD_WINDOW_MS)) out.push({ alert: null, as: "node_offline", label: `${node} back from a reboot or outage`, keys: [node], resolvedAt: null });
  for (const l of Object.values(o.fleet.links)) {
    const dirs = Object.values(l.dirs);
    const unsure = l.down || l.degraded !== null || l.goneSince !== null || l.badSince !== null || dirs.some((d) => d.seenTs < d.lastTs);
    if (unsure) out.push({ alert: null, as: l.degraded || l.badSince !== null ? "link_degraded" : "mesh_link_down", label: `${l.subject} missing or weak`, keys: [l.a, l.b], resolvedAt: null });
  }
  for (const a of o.resolved) {
    const keys = alertKeys(a);
    if (keys && keys.length > 0 && a.resolvedAt !== null) out.push({ alert: { code: a.code, subject: a.subject }, as: a.code, id: a.id, label: `${a.code} ${a.subject} (resolved)`, keys, resolvedAt: a.resolvedAt, ...startOf(a) });
  }
  return out;
}

/** Who a symptom is about: its node, the nodes its events went through or towards, and for routes the prefix (and its owner). */
export function symptomKeys(input: AlertInput, events: readonly StoredEvent[], fleet: FleetState): string[] {
  const keys = new Set<string>();
  if (input.node) keys.add(input.node);
  for (const n of nodesOf(input.evidence.detail)) keys.add(n);
  const add = (n: string | null | undefined) => n && keys.add(n);
  for (const e of events) {
    add(e.node);
    const sides = [e.before, e.after] as unknown[];
    for (const s of sides) {
      if (!s || typeof s !== "object") continue;
      const o = s as Record<string, unknown>;
      for (const k of ["viaNode", "nextHopNode", "neighborNode"]) if (typeof o[k] === "string") add(o[k]);
    }
    if ("destNode" in e) add(e.destNode);
  }
  if (input.code === "route_flapping") {
    const prefix = input.subject.split(":").slice(2).join(":");
    keys.add(`prefix:${prefix}`);
    add(prefixOwner(fleet, prefix));
  }
  return [...keys].sort();
}
