import type { Station } from "@meshfleet/shared";
import { subjectOf, type StationEvent, type Step } from "./types";

export interface StationWhere {
  node: string;
  iface: string;
  lastSeenTs: number;
  /** Snapshot time when its node stopped listing it (pending `left` or `roamed`), else null. */
  goneAt: number | null;
}

/** Fleet-wide: where each client station is, by MAC. */
export type StationsState = Record<string, StationWhere>;

/** A station that disappears and shows up on another node within this window roamed (ms). */
export const DEFAULT_ROAM_WINDOW_MS = 30_000;

/**
 * Client stations (not mesh peers) seen by one node: associated, roamed (left node A and
 * appeared on node B; the gap from A's last sighting to B's first), and left (gone from
 * its node and not seen anywhere within the roam window).
 */
export function stepStations(prev: StationsState, stations: readonly Station[], node: string, ts: number, nowMs: number, roamWindowMs = DEFAULT_ROAM_WINDOW_MS): Step<StationsState, StationEvent> {
  const state: StationsState = { ...prev };
  const events: StationEvent[] = [];
  const present = new Map<string, string>();
  for (const s of stations) if (!s.mesh) present.set(s.mac.toLowerCase(), s.iface);
  for (const [mac, iface] of [...present].sort(([a], [b]) => a.localeCompare(b))) {
    const cur = state[mac];
    if (!cur) {
      events.push({ code: "station_associated", node, ts, subject: subjectOf.station(mac), mac, before: null, after: { node, iface } });
    } else if (cur.node !== node) {
      const gapMs = Math.max(0, ts - cur.lastSeenTs);
      events.push({ code: "station_roamed", node, ts, subject: subjectOf.station(mac), mac, gapMs, before: { node: cur.node, iface: cur.iface, lastSeenTs: cur.lastSeenTs }, after: { node, iface } });
    }
    state[mac] = { node, iface, lastSeenTs: ts, goneAt: null };
  }
  for (const [mac, w] of Object.entries(prev)) {
    if (w.node === node && w.goneAt === null && !present.has(mac)) state[mac] = { ...w, goneAt: ts };
  }
  const done = tickStations(state, nowMs, roamWindowMs);
  return { state: done.state, events: [...events, ...done.events] };
}

/** Stations gone longer than the roam window have left. */
export function tickStations(prev: StationsState, nowMs: number, roamWindowMs = DEFAULT_ROAM_WINDOW_MS): Step<StationsState, StationEvent> {
  const events: StationEvent[] = [];
  let state = prev;
  for (const [mac, w] of Object.entries(prev).sort(([a], [b]) => a.localeCompare(b))) {
    if (w.goneAt === null || nowMs - w.goneAt < roamWindowMs) continue;
    if (state === prev) state = { ...prev };
    delete state[mac];
    events.push({ code: "station_left", node: w.node, ts: w.goneAt, subject: subjectOf.station(mac), mac, before: { node: w.node, iface: w.iface, lastSeenTs: w.lastSeenTs }, after: null });
  }
  return { state, events };
}
