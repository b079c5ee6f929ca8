import type { NodesState } from "./nodes";
import type { StationsState, StationWhere } from "./stations";

/**
 * Detector state whose only change is timestamps moving forward (every snapshot moves a
 * node's `lastTs` and the last sighting of the stations it lists) is written at most this
 * often (ms); any other change is written with the batch. Loading catches the timestamps up
 * from the nodes' current state rows, which every ingest commit writes before it acknowledges.
 */
export const TIMESTAMP_STATE_PERIOD_MS = 5 * 60_000;

/** Presence without the timestamps every snapshot moves. */
export function stablePresence(p: NodesState): string {
  return JSON.stringify(Object.entries(p).map(([node, v]) => [node, v.boot, v.intervalMs, v.online, v.upSince ?? null]));
}

/** The stations row as stored: a station its node still lists keeps `lastSeenTs` only when it differs from the node's entry in `seen`. */
export interface StoredStations {
  byMac: Record<string, Omit<StationWhere, "lastSeenTs"> & { lastSeenTs?: number }>;
  byNode: Record<string, string[]>;
  gone: string[];
}

/**
 * Splits the stations state into what changes only when stations come, go or roam (`row`)
 * and the one time per node that every snapshot moves (`seen`: the node's last station
 * dump, which is the last sighting of every station it lists). Lossless: `joinStations`
 * gives the state back.
 */
export function splitStations(s: StationsState): { row: StoredStations; seen: Record<string, number> } {
  const seen: Record<string, number> = {};
  for (const [node, macs] of Object.entries(s.byNode)) {
    for (const mac of macs) {
      const w = s.byMac[mac];
      if (w && w.node === node && w.goneAt === null) {
        seen[node] = w.lastSeenTs;
        break;
      }
    }
  }
  const listed = new Set(Object.entries(s.byNode).flatMap(([node, macs]) => macs.map((mac) => `${node} ${mac}`)));
  const byMac: StoredStations["byMac"] = {};
  for (const [mac, w] of Object.entries(s.byMac)) {
    const implied = w.goneAt === null && listed.has(`${w.node} ${mac}`) && seen[w.node] === w.lastSeenTs;
    byMac[mac] = implied ? { node: w.node, iface: w.iface, goneAt: w.goneAt } : w;
  }
  return { row: { byMac, byNode: s.byNode, gone: s.gone }, seen };
}

/** The stations state from its stored row and per-node times (a row stored whole, by older versions, needs no times). */
export function joinStations(row: StoredStations, seen: Readonly<Record<string, number>>): StationsState {
  const byMac: Record<string, StationWhere> = {};
  for (const [mac, w] of Object.entries(row.byMac)) byMac[mac] = { node: w.node, iface: w.iface, lastSeenTs: w.lastSeenTs ?? seen[w.node] ?? 0, goneAt: w.goneAt };
  return { byMac, byNode: row.byNode, gone: row.gone };
}

/** A node's latest stored snapshot (its current state row). */
/**
 * The rows of presence and stations as `DetectRepository.putStates` takes them: the stations
 * row changes when stations come, go or roam (written with the batch when it does); presence
 * and the stations' last sightings, which every snapshot moves, are written with a stable
 * change or once a period.
 */
export function timestampRows(presence: NodesState, stations: StationsState, periodMs: number) {
  const { row, seen } = splitStations(stations);
  return [
    { key: "stations", value: row },
    { key: "presence", value: presence, lazy: { stable: stablePresence(presence), periodMs } },
    { key: "stations-seen", value: seen, lazy: { stable: JSON.stringify(row), periodMs } },
  ];
}

export interface LatestStored {
  boot: string;
  ts: number;
  seq: number;
}

/**
 * On load: moves timestamps (and the last `seq`) written up to a period ago forward to each
 * node's latest stored snapshot (same boot for presence; for stations, the ones the node listed and
 * that are still its own). Mutates `presence` and `stations`.
 */
export function catchUpTimestamps(presence: NodesState, stations: StationsState, latest: ReadonlyMap<string, LatestStored>): void {
  for (const [node, p] of Object.entries(presence)) {
    const l = latest.get(node);
    if (!l || l.boot !== p.boot) continue;
    if (l.ts > p.lastTs) p.lastTs = l.ts;
    if (p.lastSeq !== undefined && l.seq > p.lastSeq) p.lastSeq = l.seq;
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
