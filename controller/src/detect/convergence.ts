import type { StoredEvent } from "./churn-score";

/**
 * Convergence: how long the routing tables took to settle after something changed. An
 * incident starts at the first neighbour loss (routing neighbour or 802.11s peer) or
 * route change (added, withdrawn, next hop), collects the nodes involved, and ends at
 * the last routing-table change, once every node involved has reported `quietMs`
 * without one. Neighbour events join an open incident as evidence but never extend it:
 * the far side's hello timeout a few seconds later is not routing work. A metric-only
 * change extends an open incident but does not start one (link costs move all the time
 * on a radio mesh). Resolution is the agents' snapshot interval.
 */
export interface ConvergenceConfig {
  /** A node's table counts as settled after this long without a change (ms). */
  quietMs: number;
  /** Close anyway this long after the last change when a node stops reporting (ms). */
  maxSilenceMs: number;
  /** `slow_convergence` above this duration (ms). */
  slowMs: number;
}

export const DEFAULT_CONVERGENCE: ConvergenceConfig = { quietMs: 60_000, maxSilenceMs: 300_000, slowMs: 60_000 };

export interface IncidentNode {
  /** Its last routing-table change in the incident; null while it only had neighbour events. */
  lastChangeTs: number | null;
  /** Its first event in the incident. */
  joinedTs: number;
  /** Its last snapshot seen. */
  lastSeenTs: number;
}

export interface Incident {
  /** Time of the event that opened it. */
  startTs: number;
  /** The neighbour loss or route change that opened it. */
  trigger: { code: string; node: string; subject: string; ts: number };
  nodes: Record<string, IncidentNode>;
  eventIds: number[];
  /** Routing-table changes in it. */
  changes: number;
}

export interface ClosedIncident {
  startTs: number;
  endTs: number;
  durationMs: number;
  nodes: string[];
  trigger: Incident["trigger"];
  eventIds: number[];
  changes: number;
}

export interface ConvergenceState {
  open: Incident | null;
}

export const emptyConvergence: ConvergenceState = { open: null };

/** Events that open an incident. */
const STARTS = new Set(["neighbor_down", "mesh_peer_down", "route_added", "route_withdrawn", "route_nexthop_changed"]);
/** Routing-table changes: they extend an open incident. */
const TABLE = new Set(["route_added", "route_withdrawn", "route_nexthop_changed", "route_metric_changed"]);
/** Neighbour events: evidence of an open incident, never an extension. */
const NEIGHBOUR = new Set(["neighbor_down", "neighbor_up", "mesh_peer_down"]);

function lastChange(i: Incident): number {
  let end = i.startTs;
  for (const n of Object.values(i.nodes)) if (n.lastChangeTs !== null && n.lastChangeTs > end) end = n.lastChangeTs;
  return end;
}

function close(i: Incident): ClosedIncident {
  const endTs = lastChange(i);
  return { startTs: i.startTs, endTs, durationMs: endTs - i.startTs, nodes: Object.keys(i.nodes).sort(), trigger: i.trigger, eventIds: i.eventIds, changes: i.changes };
}

/** Every node involved has been quiet (no table change since it joined or last changed) for `quietMs`. */
function settled(i: Incident, cfg: ConvergenceConfig): boolean {
  return Object.values(i.nodes).every((n) => n.lastSeenTs - (n.lastChangeTs ?? n.joinedTs) >= cfg.quietMs);
}

/** One node's snapshot was processed (with the events it produced, ids assigned). */
export function stepConvergence(prev: ConvergenceState, node: string, ts: number, events: readonly StoredEvent[], cfg: ConvergenceConfig = DEFAULT_CONVERGENCE): { state: ConvergenceState; closed: ClosedIncident[] } {
  let open = prev.open ? { ...prev.open, nodes: { ...prev.open.nodes }, eventIds: [...prev.open.eventIds] } : null;
  for (const ev of events) {
    const table = TABLE.has(ev.code);
    if (!table && !NEIGHBOUR.has(ev.code)) continue;
    if (!open) {
      if (!STARTS.has(ev.code)) continue;
      open = { startTs: ev.ts, trigger: { code: ev.code, node: ev.node, subject: ev.subject, ts: ev.ts }, nodes: {}, eventIds: [], changes: 0 };
    }
    const n = open.nodes[ev.node];
    const lastChangeTs = n?.lastChangeTs ?? null;
    open.nodes[ev.node] = {
      lastChangeTs: table ? Math.max(lastChangeTs ?? ev.ts, ev.ts) : lastChangeTs,
      joinedTs: n?.joinedTs ?? ev.ts,
      lastSeenTs: Math.max(n?.lastSeenTs ?? 0, ts),
    };
    if (open.eventIds.length < 1000) open.eventIds.push(ev.id);
    if (table) open.changes++;
  }
  const closed: ClosedIncident[] = [];
  if (open) {
    const n = open.nodes[node];
    if (n) open.nodes[node] = { ...n, lastSeenTs: Math.max(n.lastSeenTs, ts) };
    if (settled(open, cfg)) {
      closed.push(close(open));
      open = null;
    }
  }
  return { state: { open }, closed };
}

/** Time passed: an incident whose nodes went silent closes `maxSilenceMs` after its last change. */
export function tickConvergence(prev: ConvergenceState, nowMs: number, cfg: ConvergenceConfig = DEFAULT_CONVERGENCE): { state: ConvergenceState; closed: ClosedIncident[] } {
  const o = prev.open;
  if (!o) return { state: prev, closed: [] };
  const last = Math.max(...Object.values(o.nodes).map((n) => n.lastChangeTs ?? n.joinedTs));
  if (nowMs - last < cfg.maxSilenceMs) return { state: prev, closed: [] };
  return { state: { open: null }, closed: [close(o)] };
}
