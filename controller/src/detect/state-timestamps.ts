import type { NodesState } from "./nodes";
import type { StationsState } from "./stations";

/**
 * Detector state whose only change is timestamps moving forward (every snapshot moves a
 * node's `lastTs` and its stations' `lastSeenTs`) is written at most this often (ms); any
 * other change is written with the batch. Loading catches the timestamps up from the
 * nodes' current state rows, which every ingest commit writes before it acknowledges.
 */
export const TIMESTAMP_STATE_PERIOD_MS = 5 * 60_000;

/** Presence without the timestamps every snapshot moves. */
export function stablePresence(p: NodesState): string {
  return JSON.stringify(Object.entries(p).map(([node, v]) => [node, v.boot, v.intervalMs, v.online, v.upSince ?? null]));
}

/** Stations without their last sighting times. */
export function stableStations(s: StationsState): string {
  return JSON.stringify([Object.entries(s.byMac).map(([mac, w]) => [mac, w.node, w.iface, w.goneAt]), s.byNode, s.gone]);
}

/** A node's latest stored snapshot (its current state row). */
export interface LatestStored {
  boot: string;
  ts: number;
}

/**
 * On load: moves timestamps written up to a period ago forward to each node's latest
 * stored snapshot (same boot for presence; for stations, the ones the node listed and
 * that are still its own). Mutates `presence` and `stations`.
 */
export function catchUpTimestamps(presence: NodesState, stations: StationsState, latest: ReadonlyMap<string, LatestStored>): void {
  for (const [node, p] of Object.entries(presence)) {
    const l = latest.get(node);
    if (l && l.boot === p.boot && l.ts > p.lastTs) p.lastTs = l.ts;
  }
  for (const [node, macs] of Object.entries(stations.byNode)) {
    const l = latest.get(node);
    if (!l) continue;
    for (const mac of macs) {
      const w = stations.byMac[mac];
      if (w && w.node === node && w.goneAt === null && l.ts > w.lastSeenTs) w.lastSeenTs = l.ts;
    }
  }
}
