import type { Station } from "@meshfleet/shared";
import { subjectOf, type StationEvent, type Step } from "./types";

export interface StationWhere {
  node: string;
  iface: string;
  lastSeenTs: number;
  /** Snapshot time when its node stopped listing it (pending `left` or `roamed`), else null. */
  goneAt: number | null;
}

/**
 * Fleet-wide: where each client station is, by MAC, with an index per node and the set
 * of stations that went missing. Updated in place (the step returns the same object), so
 * one step costs O(that node's stations), not O(the fleet's).
 */
export interface StationsState {
  byMac: Record<string, StationWhere>;
  /** MACs listed by each node at its last snapshot. */
  byNode: Record<string, string[]>;
  /** MACs gone from their node and not seen elsewhere yet. */
  gone: string[];
}

export const emptyStations = (): StationsState => ({ byMac: {}, byNode: {}, gone: [] });

/** A station that disappears and shows up on another node within this window roamed (ms). */
export const DEFAULT_ROAM_WINDOW_MS = 30_000;

/**
 * Client stations (not mesh peers) seen by one node: associated, roamed (left node A and
 * appeared on node B; the gap from A's last sighting to B's first), and left (gone from
 * its node and not seen anywhere within the roam window).
 */
export function stepStations(state: StationsState, stations: readonly Station[], node: string, ts: number, nowMs: number, roamWindowMs = DEFAULT_ROAM_WINDOW_MS): Step<StationsState, StationEvent> {
  const events: StationEvent[] = [];
  const present = new Map<string, string>();
  for (const s of stations) if (!s.mesh) present.set(s.mac.toLowerCase(), s.iface);
  for (const [mac, iface] of [...present].sort(([a], [b]) => a.localeCompare(b))) {
    const cur = state.byMac[mac];
    if (!cur) {
      events.push({ code: "station_associated", node, ts, subject: subjectOf.station(mac), mac, before: null, after: { node, iface } });
    } else if (cur.node !== node) {
      const gapMs = Math.max(0, ts - cur.lastSeenTs);
      events.push({ code: "station_roamed", node, ts, subject: subjectOf.station(mac), mac, gapMs, before: { node: cur.node, iface: cur.iface, lastSeenTs: cur.lastSeenTs }, after: { node, iface } });
    }
    if (cur?.goneAt != null) state.gone = state.gone.filter((m) => m !== mac);
    state.byMac[mac] = { node, iface, lastSeenTs: ts, goneAt: null };
  }
  for (const mac of state.byNode[node] ?? []) {
    const w = state.byMac[mac];
    if (w && w.node === node && w.goneAt === null && !present.has(mac)) {
      state.byMac[mac] = { ...w, goneAt: ts };
      state.gone.push(mac);
    }
  }
  state.byNode[node] = [...present.keys()];
  const done = tickStations(state, nowMs, roamWindowMs);
  return { state, events: [...events, ...done.events] };
}

/** Stations gone longer than the roam window have left. */
export function tickStations(state: StationsState, nowMs: number, roamWindowMs = DEFAULT_ROAM_WINDOW_MS): Step<StationsState, StationEvent> {
  const events: StationEvent[] = [];
  const keep: string[] = [];
  for (const mac of [...state.gone].sort()) {
    const w = state.byMac[mac];
    if (!w || w.goneAt === null) continue;
    if (nowMs - w.goneAt < roamWindowMs) {
      keep.push(mac);
      continue;
    }
    delete state.byMac[mac];
    events.push({ code: "station_left", node: w.node, ts: w.goneAt, subject: subjectOf.station(mac), mac, before: { node: w.node, iface: w.iface, lastSeenTs: w.lastSeenTs }, after: null });
  }
  state.gone = keep;
  return { state, events };
}
