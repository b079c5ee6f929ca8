import type { Station } from "@meshfleet/shared";
import { subjectOf, type LinkEvent, type LinkSideView, type Resolver } from "./types";

/**
 * Mesh link health relative to each link's own history. Every mesh peer sample (signal,
 * expected throughput) updates a per-direction baseline; a link is degraded when a
 * direction stays clearly below its baseline (or under an absolute floor) for the
 * tolerance window, and down when it disappears from both ends' station dumps while both
 * nodes keep reporting. One state, one subject (`link:a-b`) per link, both directions
 * folded.
 */
export interface LinkHealthConfig {
  /** Degraded when the signal is this many dB below the direction's baseline ... */
  dropDb: number;
  /** ... or the expected throughput under this fraction of its baseline (rate control drops a step or two on a few dB of fading: 0.25, not 0.5). */
  throughputFraction: number;
  /** Unusable whatever the history: signal under this (dBm) ... */
  floorSignalDbm: number;
  /** ... or expected throughput under this (Mbit/s). */
  floorThroughputMbps: number;
  /** Bad for at least this long before `link_degraded` (ms). */
  toleranceMs: number;
  /** Good again (with `recoverMarginDb` to spare) for this long before `link_recovered` (ms). */
  recoverMs: number;
  recoverMarginDb: number;
  /** Baseline: exponentially weighted mean of good samples with this time constant (ms). */
  baselineTauMs: number;
  /** Samples before a direction's baseline is trusted (until then only the floor applies). */
  minSamples: number;
  /** Degraded this long: the link's new normal (the baseline is reset, the alert resolves). */
  relearnAfterMs: number;
  /** A link present at least this long (ms) ... */
  downMinUpMs: number;
  /** ... and missing from both nodes' reports this long while both stay up is down (ms). */
  downAfterMs: number;
  /** Samples kept per direction for the current value (median). */
  window: number;
}

export const DEFAULT_LINK_HEALTH: LinkHealthConfig = {
  dropDb: 8,
  throughputFraction: 0.25,
  floorSignalDbm: -90,
  floorThroughputMbps: 6,
  toleranceMs: 60_000,
  recoverMs: 30_000,
  recoverMarginDb: 2,
  baselineTauMs: 6 * 3600_000,
  minSamples: 5,
  relearnAfterMs: 24 * 3600_000,
  downMinUpMs: 5 * 60_000,
  downAfterMs: 60_000,
  window: 3,
};

export interface Series {
  /** Baseline (null until the first sample). */
  base: number | null;
  /** Samples learned. */
  n: number;
  /** Last samples (newest last), for the median. */
  recent: number[];
}

export interface DirectionState {
  node: string;
  peer: string;
  peerNode: string | null;
  iface: string;
  /** Last snapshot of `node` with station data. */
  lastTs: number;
  /** Last snapshot in which the peer was ESTAB. */
  seenTs: number;
  /** Time of the last sample learned into the baseline. */
  learnedTs: number;
  signal: Series;
  throughput: Series;
}

export type LinkReason = "signal" | "throughput" | "floor";

export interface LinkState {
  subject: string;
  a: string;
  b: string;
  dirs: Record<string, DirectionState>;
  /** Continuously present since (null while gone). */
  presentSince: number | null;
  /** First report (of any side) without it, after it was present; how long it had been present then. */
  goneSince: number | null;
  wasUpMs: number;
  down: boolean;
  badSince: number | null;
  goodSince: number | null;
  degraded: { since: number; reason: LinkReason } | null;
}

/** Links by subject, fleet-wide (updated in place). */
export type LinksState = Record<string, LinkState>;

export type LinkHealth = "ok" | "degraded" | "down";

const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function push(s: Series, x: number | null, window: number): void {
  if (x === null || !Number.isFinite(x)) return;
  s.recent.push(x);
  if (s.recent.length > window) s.recent.splice(0, s.recent.length - window);
}

/** A direction's verdict on its current (median) values: a reason when bad, null when fine. */
export function judge(d: DirectionState, cfg: LinkHealthConfig, margin = 0): LinkReason | null {
  const sig = median(d.signal.recent);
  const tput = median(d.throughput.recent);
  if ((sig !== null && sig < cfg.floorSignalDbm + margin) || (tput !== null && tput < cfg.floorThroughputMbps * (1 + margin / 10))) return "floor";
  if (d.signal.n >= cfg.minSamples && sig !== null && d.signal.base !== null && sig <= d.signal.base - cfg.dropDb + margin) return "signal";
  const frac = Math.min(1, cfg.throughputFraction * (1 + margin / 4));
  if (d.throughput.n >= cfg.minSamples && tput !== null && d.throughput.base !== null && tput <= d.throughput.base * frac) return "throughput";
  return null;
}

function learn(s: Series, x: number | null, dt: number, tau: number): void {
  if (x === null || !Number.isFinite(x)) return;
  const alpha = Math.max(1 / (s.n + 1), 1 - Math.exp(-Math.max(0, dt) / tau));
  s.base = s.base === null ? x : s.base + alpha * (x - s.base);
  s.n++;
}

function newLink(subject: string, x: string, y: string): LinkState {
  const [a, b] = x < y ? [x, y] : [y, x];
  return { subject, a, b, dirs: {}, presentSince: null, goneSince: null, wasUpMs: 0, down: false, badSince: null, goodSince: null, degraded: null };
}

/** What a link's sides look like now (for events, alerts and the topology). */
export function sideViews(l: LinkState): LinkSideView[] {
  return Object.values(l.dirs)
    .map((d) => ({
      node: d.node,
      peer: d.peerNode ?? d.peer,
      signalDbm: r1(median(d.signal.recent)),
      baselineSignalDbm: r1(d.signal.base),
      expectedThroughputMbps: r1(median(d.throughput.recent)),
      baselineThroughputMbps: r1(d.throughput.base),
      samples: d.signal.n,
    }))
    .sort((p, q) => p.node.localeCompare(q.node));
}

export function healthOf(l: LinkState): LinkHealth {
  return l.down ? "down" : l.degraded ? "degraded" : "ok";
}

/**
 * One node's station dump: updates the links of its mesh peers (ESTAB ones are present,
 * the ones it no longer lists are missing on its side) and judges them. `prevPeers`: the
 * peer MACs the node listed as ESTAB in its previous snapshot.
 */
export function stepLinks(state: LinksState, stations: readonly Station[], prevPeers: readonly string[], node: string, ts: number, resolve: Resolver, cfg: LinkHealthConfig = DEFAULT_LINK_HEALTH): LinkEvent[] {
  const events: LinkEvent[] = [];
  const touched = new Set<LinkState>();
  const seen = new Set<string>();
  for (const s of stations) {
    if (!s.mesh || s.mesh.plink !== "ESTAB") continue;
    const peer = s.mac.toLowerCase();
    seen.add(peer);
    const peerNode = resolve.mac(peer);
    const other = peerNode ?? peer;
    if (other === node) continue;
    // Seen before the peer's hello named it: that state was about the same link.
    if (peerNode !== null) delete state[subjectOf.link(node, peer)];
    const subject = subjectOf.link(node, other);
    const l = (state[subject] ??= newLink(subject, node, other));
    const key = `${node}>${peer}`;
    const d = (l.dirs[key] ??= { node, peer, peerNode, iface: s.iface, lastTs: ts, seenTs: ts, learnedTs: ts, signal: { base: null, n: 0, recent: [] }, throughput: { base: null, n: 0, recent: [] } });
    d.peerNode = peerNode;
    d.iface = s.iface;
    d.lastTs = ts;
    d.seenTs = ts;
    const sig = s.signalAvgDbm ?? s.signalDbm;
    const tput = s.expectedThroughputMbps;
    push(d.signal, sig, cfg.window);
    push(d.throughput, tput, cfg.window);
    // Learn only from samples that do not look bad: a degradation must not become the normal.
    // Nor does a single sample far under it (it may be the first of a degradation).
    if (l.badSince === null && judge(d, cfg) === null) {
      if (sig === null || d.signal.base === null || d.signal.n < cfg.minSamples || sig > d.signal.base - cfg.dropDb) learn(d.signal, sig, ts - d.learnedTs, cfg.baselineTauMs);
      if (tput === null || d.throughput.base === null || d.throughput.n < cfg.minSamples || tput > d.throughput.base * cfg.throughputFraction) learn(d.throughput, tput, ts - d.learnedTs, cfg.baselineTauMs);
      d.learnedTs = ts;
    }
    touched.add(l);
  }
  for (const peer of prevPeers) {
    if (seen.has(peer)) continue;
    const other = resolve.mac(peer) ?? peer;
    const l = state[subjectOf.link(node, other)];
    const d = l?.dirs[`${node}>${peer}`];
    if (!l || !d) continue;
    d.lastTs = ts;
    touched.add(l);
  }
  for (const l of touched) events.push(...judgeLink(l, node, ts, cfg));
  return events;
}

/** Re-evaluates one link after one of its ends reported at `ts` (`node`: the reporting end). */
function judgeLink(l: LinkState, node: string, ts: number, cfg: LinkHealthConfig): LinkEvent[] {
  const events: LinkEvent[] = [];
  const dirs = Object.values(l.dirs);
  const present = dirs.filter((d) => d.seenTs === d.lastTs);
  const base = { node: l.a, ts, subject: l.subject, nodes: [l.a, l.b] as [string, string] };
  if (present.length > 0) {
    l.goneSince = null;
    l.presentSince ??= ts;
    if (l.down) {
      l.down = false;
      events.push({ ...base, code: "mesh_link_up", before: null, after: { sides: sideViews(l) } });
    }
    const reasons = present.map((d) => judge(d, cfg)).filter((r): r is LinkReason => r !== null);
    const recovered = present.every((d) => judge(d, cfg, cfg.recoverMarginDb) === null);
    if (reasons.length > 0) {
      l.badSince ??= ts;
      l.goodSince = null;
    } else {
      l.badSince = null;
      if (recovered) l.goodSince ??= ts;
      else l.goodSince = null;
    }
    if (!l.degraded && l.badSince !== null && ts - l.badSince >= cfg.toleranceMs) {
      const reason = reasons.includes("floor") ? "floor" : reasons[0]!;
      l.degraded = { since: l.badSince, reason };
      events.push({ ...base, code: "link_degraded", before: null, after: { sides: sideViews(l) }, sinceTs: l.badSince, reason });
    } else if (l.degraded && l.goodSince !== null && ts - l.goodSince >= cfg.recoverMs) {
      events.push({ ...base, code: "link_recovered", before: { sides: sideViews(l) }, after: { sides: sideViews(l) }, sinceTs: l.degraded.since, reason: "recovered" });
      l.degraded = null;
      l.goodSince = null;
    } else if (l.degraded && ts - l.degraded.since >= cfg.relearnAfterMs) {
      for (const d of present) {
        d.signal.base = median(d.signal.recent) ?? d.signal.base;
        d.throughput.base = median(d.throughput.recent) ?? d.throughput.base;
      }
      events.push({ ...base, code: "link_recovered", before: { sides: sideViews(l) }, after: { sides: sideViews(l) }, sinceTs: l.degraded.since, reason: "new_normal" });
      l.degraded = null;
      l.badSince = null;
    }
    return events;
  }
  // Gone from every side that reported: the down clock runs from the first report without it.
  if (l.goneSince === null) {
    l.goneSince = ts;
    l.wasUpMs = l.presentSince === null ? 0 : ts - l.presentSince;
  }
  l.presentSince = null;
  l.badSince = null;
  l.goodSince = null;
  void node;
  return events;
}

/** What the down check needs to know about a node (the presence detector's view). */
export interface NodeUp {
  online: boolean;
  /** Online with its current boot since. */
  upSince: number;
  /** Its last snapshot. */
  lastTs: number;
}

/**
 * Time passed: a link between two fleet nodes that was up at least `downMinUpMs`, then
 * vanished from both station dumps and stayed gone for `downAfterMs` while both nodes kept
 * reporting with the same boot, is down (an offline or rebooting node is its own alert).
 */
export function tickLinks(state: LinksState, nodes: (id: string) => NodeUp | null, nowMs: number, cfg: LinkHealthConfig = DEFAULT_LINK_HEALTH): LinkEvent[] {
  const events: LinkEvent[] = [];
  for (const l of Object.values(state)) {
    if (l.goneSince === null || l.down || l.wasUpMs < cfg.downMinUpMs) continue;
    const a = nodes(l.a);
    const b = nodes(l.b);
    if (!a?.online || !b?.online) continue;
    const from = Math.max(l.goneSince, a.upSince, b.upSince);
    if (Math.min(a.lastTs, b.lastTs) - from < cfg.downAfterMs) continue;
    l.down = true;
    const degraded = l.degraded;
    l.degraded = null;
    events.push({ node: l.a, ts: nowMs, subject: l.subject, nodes: [l.a, l.b], code: "mesh_link_down", before: { lastSeenTs: Math.max(...Object.values(l.dirs).map((d) => d.seenTs)), sides: sideViews(l), wasDegraded: degraded !== null }, after: null, sinceTs: l.goneSince });
  }
  return events.sort((p, q) => p.subject.localeCompare(q.subject));
}

/** Per link subject: its health now (the topology colours links with it). */
export interface LinkHealthView {
  health: LinkHealth;
  nodes: [string, string];
  since: number | null;
  reason: LinkReason | null;
  sides: LinkSideView[];
}

export function linkHealthView(l: LinkState): LinkHealthView {
  return { health: healthOf(l), nodes: [l.a, l.b], since: l.down ? l.goneSince : (l.degraded?.since ?? null), reason: l.degraded?.reason ?? null, sides: sideViews(l) };
}
