import { subjectOf, type DetectEvent, type RouteState } from "./types";

/**
 * Churn scores in the spirit of RFC 2439 route-flap damping, used for alerting only
 * (nothing is ever suppressed): each flap adds a penalty, the score decays exponentially
 * with a half-life, computed from the timestamps passed in.
 */
export interface ChurnConfig {
  halfLifeMs: number;
  /** Next-hop change or withdrawal (route), path change/loss (mesh), neighbour loss. */
  flapPenalty: number;
  /** Metric-only change, or a next-hop set that kept a hop (ECMP). */
  metricPenalty: number;
  /**
   * A RIP route that gets worse in steps and goes, or goes, comes back worse and goes again,
   * each step within this long of the last, is one withdrawal (counting to infinity); RIP's
   * route timeout (180 s by default in BIRD and RFC 2080).
   */
  countToInfinityMs: number;
  /** Alert opens when the score goes above this. */
  openAbove: number;
  /** ... and resolves when it decays below this. */
  resolveBelow: number;
  /** Score points kept per subject as evidence. */
  historyMax: number;
}

export const DEFAULT_CHURN: ChurnConfig = { halfLifeMs: 15 * 60_000, flapPenalty: 1000, metricPenalty: 500, countToInfinityMs: 180_000, openAbove: 2000, resolveBelow: 750, historyMax: 100 };

export type ChurnKind = "route" | "mesh_path" | "neighbor";
export const FLAP_ALERT = { route: "route_flapping", mesh_path: "mesh_path_flapping", neighbor: "neighbor_flapping" } as const;

export interface ScoreEntry {
  kind: ChurnKind;
  node: string;
  /** `link:a-b` when the other end is a known fleet node. */
  link: string | null;
  score: number;
  /** Time the score was computed at. */
  ts: number;
  flapping: boolean;
  history: { ts: number; score: number }[];
  eventIds: number[];
}

/** Scores per subject (`route:r1:::/0`, `mpath:r1:aa:…`, `neighbor:r1:fe80::1%eth0`). */
export type ChurnState = Record<string, ScoreEntry>;

export type StoredEvent = DetectEvent & { id: number };

export type ChurnTransition = { type: "open" | "resolve"; subject: string; entry: ScoreEntry; ts: number };

export function decay(score: number, fromTs: number, toTs: number, halfLifeMs: number): number {
  return toTs <= fromTs ? score : score * Math.pow(2, -(toTs - fromTs) / halfLifeMs);
}

/** The score of one subject at `nowMs`. */
export function scoreAt(e: ScoreEntry, nowMs: number, cfg: ChurnConfig = DEFAULT_CHURN): number {
  return decay(e.score, e.ts, nowMs, cfg.halfLifeMs);
}

/** Two next-hop sets (`via%iface` joined by `,`) with a hop in common. */
function sharesHop(a: string, b: string): boolean {
  const before = new Set(a.split(","));
  return b.split(",").some((h) => before.has(h));
}

/**
 * A move between equal paths: the metric is unchanged and the daemon still offers the old
 * next hop at that metric (babeld following whichever neighbour brought the source's newer
 * seqno first, BIRD re-electing among equal routes). The route could have stayed; nothing
 * was lost.
 */
function equalPathMove(before: RouteState, after: RouteState): boolean {
  return before.metric !== null && before.metric === after.metric && (after.equalPaths?.includes(before.nextHop) ?? false);
}

/**
 * What one event adds to which subject's score (null: the event is not churn). A next-hop
 * change that keeps one of the hops (ECMP gaining or losing a path), or moves to an equal
 * path while the old one is still offered at the same metric, weighs as a metric change;
 * a RIP route counting to infinity weighs one withdrawal in all (count-to-infinity.ts).
 */
export function penaltyOf(ev: DetectEvent, cfg: ChurnConfig = DEFAULT_CHURN): { kind: ChurnKind; penalty: number; link: string | null } | null {
  const link = (other: string | null) => (other && other !== ev.node ? subjectOf.link(ev.node, other) : null);
  if ("countToInfinity" in ev && ev.countToInfinity) return ev.countToInfinity.penalty > 0 ? { kind: "route", penalty: ev.countToInfinity.penalty, link: link(ev.before?.viaNode ?? null) } : null;
  switch (ev.code) {
    case "route_nexthop_changed":
      // An equal-cost route that lost or gained a next hop still forwards over the ones it kept.
      return { kind: "route", penalty: sharesHop(ev.before.nextHop, ev.after.nextHop) || equalPathMove(ev.before, ev.after) ? cfg.metricPenalty : cfg.flapPenalty, link: link(ev.before.viaNode) };
    case "route_withdrawn":
      return { kind: "route", penalty: cfg.flapPenalty, link: link(ev.before.viaNode) };
    case "route_metric_changed":
      return { kind: "route", penalty: cfg.metricPenalty, link: link(ev.before.viaNode) };
    case "mesh_path_changed":
    case "mesh_path_lost":
      return { kind: "mesh_path", penalty: cfg.flapPenalty, link: link(ev.before.nextHopNode) };
    case "mesh_path_bogus":
      return { kind: "mesh_path", penalty: cfg.flapPenalty, link: link(ev.before?.nextHopNode ?? null) };
    case "neighbor_down":
      return { kind: "neighbor", penalty: cfg.flapPenalty, link: link(ev.before.neighborNode) };
    default:
      return null;
  }
}

/** Evidence keeps scores to 1/100 (a resolve point is floored so it stays below the threshold it crossed). */
const round2 = (x: number) => Math.round(x * 100) / 100;

function keepLast<T>(xs: T[], n: number): T[] {
  return xs.length > n ? xs.slice(xs.length - n) : xs;
}

/** Adds the penalties of new events; reports subjects whose score crossed `openAbove`. */
export function stepChurn(prev: ChurnState, events: readonly StoredEvent[], cfg: ChurnConfig = DEFAULT_CHURN): { state: ChurnState; transitions: ChurnTransition[] } {
  const state: ChurnState = { ...prev };
  const transitions: ChurnTransition[] = [];
  for (const ev of events) {
    const p = penaltyOf(ev, cfg);
    if (!p) continue;
    const cur = state[ev.subject];
    let score: number;
    let ts: number;
    if (!cur) [score, ts] = [p.penalty, ev.ts];
    else if (ev.ts >= cur.ts) [score, ts] = [decay(cur.score, cur.ts, ev.ts, cfg.halfLifeMs) + p.penalty, ev.ts];
    else [score, ts] = [cur.score + decay(p.penalty, ev.ts, cur.ts, cfg.halfLifeMs), cur.ts];
    const entry: ScoreEntry = {
      kind: p.kind,
      node: ev.node,
      link: p.link ?? cur?.link ?? null,
      score,
      ts,
      flapping: cur?.flapping ?? false,
      history: keepLast([...(cur?.history ?? []), { ts, score: round2(score) }], cfg.historyMax),
      eventIds: keepLast([...(cur?.eventIds ?? []), ev.id], cfg.historyMax),
    };
    if (!entry.flapping && score > cfg.openAbove) {
      entry.flapping = true;
      transitions.push({ type: "open", subject: ev.subject, entry, ts });
    }
    state[ev.subject] = entry;
  }
  return { state, transitions };
}

/**
 * Time passed: flapping subjects whose score decayed below `resolveBelow` resolve; quiet
 * subjects are forgotten. `at` is the time up to which each node's events are known (a
 * number for all): a node whose snapshots arrive late may still report churn from before
 * `now`, so its scores are judged at its own last snapshot, never ahead of it.
 */
export function evaluateChurn(prev: ChurnState, at: number | ((node: string) => number), cfg: ChurnConfig = DEFAULT_CHURN): { state: ChurnState; transitions: ChurnTransition[] } {
  const state: ChurnState = {};
  const transitions: ChurnTransition[] = [];
  const timeOf = typeof at === "number" ? () => at : at;
  for (const [subject, e] of Object.entries(prev)) {
    const nowMs = Math.max(timeOf(e.node), e.ts);
    const now = scoreAt(e, nowMs, cfg);
    if (e.flapping && now < cfg.resolveBelow) {
      const entry = { ...e, flapping: false, history: keepLast([...e.history, { ts: nowMs, score: Math.floor(now * 100) / 100 }], cfg.historyMax) };
      transitions.push({ type: "resolve", subject, entry, ts: nowMs });
      state[subject] = entry;
    } else if (e.flapping || now >= 1) state[subject] = e;
  }
  return { state, transitions };
}

/** Scores at `nowMs` summed per node and per link. */
export function rollup(state: ChurnState, nowMs: number, cfg: ChurnConfig = DEFAULT_CHURN): { nodes: Record<string, number>; links: Record<string, number> } {
  const nodes: Record<string, number> = {};
  const links: Record<string, number> = {};
  for (const e of Object.values(state)) {
    const s = scoreAt(e, nowMs, cfg);
    nodes[e.node] = (nodes[e.node] ?? 0) + s;
    if (e.link) links[e.link] = (links[e.link] ?? 0) + s;
  }
  return { nodes, links };
}
