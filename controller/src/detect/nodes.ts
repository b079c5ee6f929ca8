import { subjectOf, type NodeEvent, type Step } from "./types";

export interface NodePresence {
  boot: string;
  /** Snapshot time of the last snapshot. */
  lastTs: number;
  /** Controller time when it arrived. */
  lastRecv: number;
  intervalMs: number;
  online: boolean;
  /** Online with the current boot since (snapshot time; absent in state saved by older versions). */
  upSince?: number;
  /** The highest `seq` handled of the current boot (absent in state saved by older versions). */
  lastSeq?: number;
}

/** Fleet-wide: presence per node id (updated in place: a step costs O(1), not O(fleet)). */
export type NodesState = Record<string, NodePresence>;

export interface NodeObservation {
  node: string;
  boot: string;
  ts: number;
  seq: number;
  intervalMs: number;
  uptimeSec: number | null;
}

/**
 * A snapshot of the node's current boot at or below the highest `seq` already handled: one
 * whose batch failed to write and came back (nak) after the batches behind it went through.
 * Diffing it against newer state would report every change since then twice (there and
 * back); skipped, what only it saw is missed, as a change between two reads is.
 */
export function isLateSnapshot(prev: NodesState, o: Pick<NodeObservation, "node" | "boot" | "seq">): boolean {
  const p = prev[o.node];
  return p !== undefined && p.boot === o.boot && p.lastSeq !== undefined && o.seq <= p.lastSeq;
}

/** A snapshot arrived: online again (or first seen) and rebooted when the boot id changed. */
export function stepNodeSeen(prev: NodesState, o: NodeObservation, nowMs: number): Step<NodesState, NodeEvent> {
  const before = prev[o.node];
  const events: NodeEvent[] = [];
  const subject = subjectOf.node(o.node);
  if (!before || !before.online) {
    events.push({ code: "node_online", node: o.node, ts: o.ts, subject, before: before ? { lastSeenTs: before.lastTs } : null, after: { boot: o.boot } });
  }
  if (before && before.boot !== o.boot) {
    events.push({ code: "node_rebooted", node: o.node, ts: o.ts, subject, before: { boot: before.boot }, after: { boot: o.boot, uptimeSec: o.uptimeSec } });
  }
  const lastTs = Math.max(before?.boot === o.boot ? before.lastTs : 0, o.ts);
  const upSince = before && before.online && before.boot === o.boot ? (before.upSince ?? before.lastTs) : o.ts;
  const lastSeq = Math.max(before?.boot === o.boot ? (before.lastSeq ?? 0) : 0, o.seq);
  prev[o.node] = { boot: o.boot, lastTs, lastRecv: nowMs, intervalMs: o.intervalMs, online: true, upSince, lastSeq };
  return { state: prev, events };
}

/** Time passed: nodes with no snapshot for `afterIntervals` intervals go offline. */
export function tickNodes(prev: NodesState, nowMs: number, afterIntervals = 3): Step<NodesState, NodeEvent> {
  const events: NodeEvent[] = [];
  for (const [node, p] of Object.entries(prev).sort(([a], [b]) => a.localeCompare(b))) {
    if (!p.online || nowMs - p.lastRecv <= afterIntervals * p.intervalMs) continue;
    prev[node] = { ...p, online: false };
    events.push({ code: "node_offline", node, ts: nowMs, subject: subjectOf.node(node), before: { lastSeenTs: p.lastTs }, after: null });
  }
  return { state: prev, events };
}
