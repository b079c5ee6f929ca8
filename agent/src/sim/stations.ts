import type { WorldModel } from "./build";
import { nodeUp } from "./topology";
import type { SimSite, SimStation } from "./types";

/** Stations re-pick their AP on this grid of time (ms). */
export const ROAM_EPOCH_MS = 5_000;
/** How far before the world's start (epochs) a first look searches for when a station attached. */
const LOOKBACK_EPOCHS = 120;

/** Where a station is at `t`: its home (or last scripted move), circling if mobile. */
export function stationPosition(s: SimStation, t: number): { x: number; y: number; mobile: boolean } {
  let x = s.homeX;
  let y = s.homeY;
  let mobile = s.radius > 0;
  for (const mv of s.moves) {
    if (mv.at > t) break;
    x = mv.x;
    y = mv.y;
    mobile = false;
  }
  if (!mobile) return { x, y, mobile };
  const a = s.phase + (2 * Math.PI * t) / s.periodMs;
  return { x: x + Math.cos(a) * s.radius, y: y + Math.sin(a) * s.radius, mobile };
}

/** The nearest AP that is up at `t` (global node index), or -1. */
export function nearestAp(m: WorldModel, site: SimSite, s: SimStation, t: number): number {
  const p = stationPosition(s, t);
  let best = -1;
  let bestD = Infinity;
  for (const gi of site.nodes) {
    const nd = m.nodes[gi]!;
    if (!nodeUp(nd, t)) continue;
    const d = (nd.x - p.x) ** 2 + (nd.y - p.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = gi;
    }
  }
  return best;
}

/** Per station: AP at the remembered epoch and since when it is attached there. */
export interface StationMemo {
  epoch: number;
  ap: number;
  since: number;
}

/** One site's association table for one epoch. */
export interface SiteAssociations {
  epoch: number;
  /** Per site station (same order as site.stations): AP global index or -1, and attach time. */
  ap: Int32Array;
  since: Float64Array;
}

/**
 * Associations at `t`, stepping each station forward epoch by epoch from what was last
 * known (so connected times and roams are exact whatever the query pattern).
 */
export function siteAssociations(m: WorldModel, site: SimSite, memos: Map<number, StationMemo>, cache: { current: SiteAssociations | null }, t: number, startMs: number): SiteAssociations {
  const epoch = Math.floor(t / ROAM_EPOCH_MS);
  // A fixed floor (not relative to the first query) keeps results independent of when one asks first.
  const floor = Math.floor(startMs / ROAM_EPOCH_MS) - LOOKBACK_EPOCHS;
  if (cache.current && cache.current.epoch === epoch) return cache.current;
  const ap = new Int32Array(site.stations.length);
  const since = new Float64Array(site.stations.length);
  site.stations.forEach((si, k) => {
    const s = m.stations[si]!;
    let memo = memos.get(si);
    if (!memo || memo.epoch > epoch) {
      // First look: search back for when the station came to its current AP.
      const cur = nearestAp(m, site, s, epoch * ROAM_EPOCH_MS);
      let e = epoch;
      while (e > floor && nearestAp(m, site, s, (e - 1) * ROAM_EPOCH_MS) === cur) e--;
      memo = { epoch, ap: cur, since: e * ROAM_EPOCH_MS };
    }
    for (let e = memo.epoch + 1; e <= epoch; e++) {
      const next = nearestAp(m, site, s, e * ROAM_EPOCH_MS);
      if (next !== memo.ap) {
        memo.ap = next;
        memo.since = e * ROAM_EPOCH_MS;
      }
    }
    memo.epoch = epoch;
    memos.set(si, memo);
    const apNode = memo.ap >= 0 ? m.nodes[memo.ap]! : null;
    ap[k] = memo.ap;
    // A station cannot have been attached longer than its AP has been up.
    since[k] = apNode ? Math.max(memo.since, apNode.bootAt + 20_000) : memo.since;
  });
  cache.current = { epoch, ap, since };
  return cache.current;
}
