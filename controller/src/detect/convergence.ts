import type { StoredEvent } from "./churn-score";

/**
 * Convergence after a neighbour loss or link cut: how long until every affected node's
 * routing table stopped changing. An incident starts at the first loss (or at a route
 * change seen shortly before it), collects the nodes whose tables change while it is
 * open, and ends once every affected node has reported a quiet routing table for
 * `quietMs`. Resolution is the agents' snapshot interval.
 */
export interface ConvergenceConfig {
  /** A node's table counts as settled after this long without a change (ms). */
  quietMs: number;
  /** Route changes this long before the first loss still belong to the incident (ms). */
  lookbackMs: number;
  /** Close anyway this long after the last change when a node stops reporting (ms). */
  maxSilenceMs: number;
  /** `slow_convergence` above this duration (ms). */
  slowMs: number;
}

export const DEFAULT_CONVERGENCE: ConvergenceConfig = { quietMs: 60_000, lookbackMs: 15_000, maxSilenceMs: 300_000, slowMs: 60_000 };

export interface Incident {
  /** Time of the first change that belongs to it. */
  startTs: number;
  /** The loss that opened it. */
  trigger: { code: string; node: string; subject: string; ts: number };
  /** Per affected node: last routing change and last snapshot seen. */
  nodes: Record<string, { lastChangeTs: number; lastSeenTs: number }>;
  eventIds: number[];
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
  /** Recent routing changes (for the look-back), oldest first. */
  recent: { node: string; ts: number; id: number }[];
}

export const emptyConvergence: ConvergenceState = { open: null, recent: [] };

const TRIGGERS = new Set(["neighbor_down", "mesh_peer_down"]);
const CHANGES = new Set(["route_added", "route_withdrawn", "route_nexthop_changed", "route_metric_changed", "neighbor_down", "neighbor_up"]);

function close(i: Incident): ClosedIncident {
  const endTs = Math.max(i.startTs, ...Object.values(i.nodes).map((n) => n.lastChangeTs));
  return { startTs: i.startTs, endTs, durationMs: endTs - i.startTs, nodes: Object.keys(i.nodes).sort(), trigger: i.trigger, eventIds: i.eventIds, changes: i.changes };
}

function settled(i: Incident, cfg: ConvergenceConfig): boolean {
  return Object.values(i.nodes).every((n) => n.lastSeenTs - n.lastChangeTs >= cfg.quietMs);
}

/** One node's snapshot was processed (with the events it produced, ids assigned). */
export function stepConvergence(prev: ConvergenceState, node: string, ts: number, events: readonly StoredEvent[], cfg: ConvergenceConfig = DEFAULT_CONVERGENCE): { state: ConvergenceState; closed: ClosedIncident[] } {
  let open = prev.open ? { ...prev.open, nodes: { ...prev.open.nodes }, eventIds: [...prev.open.eventIds] } : null;
  let recent = prev.recent.filter((r) => ts - r.ts <= cfg.lookbackMs);
  for (const ev of events) {
    if (!CHANGES.has(ev.code) && !TRIGGERS.has(ev.code)) continue;
    if (!open && TRIGGERS.has(ev.code)) {
      const back = recent.filter((r) => ev.ts - r.ts <= cfg.lookbackMs);
      open = { startTs: Math.min(ev.ts, ...back.map((r) => r.ts)), trigger: { code: ev.code, node: ev.node, subject: ev.subject, ts: ev.ts }, nodes: {}, eventIds: back.map((r) => r.id), changes: back.length };
      for (const r of back) open.nodes[r.node] = { lastChangeTs: Math.max(open.nodes[r.node]?.lastChangeTs ?? 0, r.ts), lastSeenTs: r.ts };
      recent = [];
    }
    if (open) {
      const n = open.nodes[ev.node];
      open.nodes[ev.node] = { lastChangeTs: Math.max(n?.lastChangeTs ?? 0, ev.ts), lastSeenTs: Math.max(n?.lastSeenTs ?? 0, ts) };
      if (open.eventIds.length < 1000) open.eventIds.push(ev.id);
      open.changes++;
    } else recent.push({ node: ev.node, ts: ev.ts, id: ev.id });
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
  return { state: { open, recent }, closed };
}

/** Time passed: an incident whose nodes went silent closes `maxSilenceMs` after its last change. */
export function tickConvergence(prev: ConvergenceState, nowMs: number, cfg: ConvergenceConfig = DEFAULT_CONVERGENCE): { state: ConvergenceState; closed: ClosedIncident[] } {
  const o = prev.open;
  if (!o) return { state: prev, closed: [] };
  const last = Math.max(...Object.values(o.nodes).map((n) => n.lastChangeTs));
  if (nowMs - last < cfg.maxSilenceMs) return { state: prev, closed: [] };
  return { state: { open: null, recent: [] }, closed: [close(o)] };
}
