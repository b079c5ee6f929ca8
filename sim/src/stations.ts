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

/** Per site: the last association table, and the nearest AP of non-moving stations (all APs up) with the move count it was computed for. */
export interface AssociationCache {
  current: SiteAssociations | null;
  staticAp: Map<number, { moves: number; ap: number }>;
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
export function siteAssociations(m: WorldModel, site: SimSite, memos: Map<number, StationMemo>, cache: AssociationCache, t: number, startMs: number): SiteAssociations {
  const staticAp = cache.staticAp;
  const epoch = Math.floor(t / ROAM_EPOCH_MS);
  // A fixed floor (not relative to the first query) keeps results independent of when one asks first.
  const floor = Math.floor(startMs / ROAM_EPOCH_MS) - LOOKBACK_EPOCHS;
  if (cache.current && cache.current.epoch === epoch) return cache.current;
  const ap = new Int32Array(site.stations.length);
  const since = new Float64Array(site.stations.length);
  // With every AP up, a station that does not move keeps its nearest AP: compute it once.
  const allUp = (e: number) => site.nodes.every((gi) => nodeUp(m.nodes[gi]!, e * ROAM_EPOCH_MS));
  const upCache = new Map<number, boolean>();
  const everyoneUp = (e: number) => {
    let v = upCache.get(e);
    if (v === undefined) upCache.set(e, (v = allUp(e)));
    return v;
  };
  const apAt = (s: SimStation, e: number): number => {
    const t = e * ROAM_EPOCH_MS;
    if (s.radius === 0 && (s.moves.length === 0 || s.moves[s.moves.length - 1]!.at <= t) && everyoneUp(e)) {
      let st = staticAp.get(s.index);
      if (st === undefined || st.moves !== s.moves.length) staticAp.set(s.index, (st = { moves: s.moves.length, ap: nearestAp(m, site, s, t) }));
      return st.ap;
    }
    return nearestAp(m, site, s, t);
  };
  site.stations.forEach((si, k) => {
    const s = m.stations[si]!;
    let memo = memos.get(si);
    if (!memo || memo.epoch > epoch) {
      // First look: search back for when the station came to its current AP.
      const cur = apAt(s, epoch);
      let e = epoch;
      while (e > floor && apAt(s, e - 1) === cur) e--;
      memo = { epoch, ap: cur, since: e * ROAM_EPOCH_MS };
    }
    for (let e = memo.epoch + 1; e <= epoch; e++) {
      const next = apAt(s, e);
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
