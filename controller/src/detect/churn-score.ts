import { subjectOf, type DetectEvent } from "./types";

/**
 * Churn scores in the spirit of RFC 2439 route-flap damping, used for alerting only
 * (nothing is ever suppressed): each flap adds a penalty, the score decays exponentially
 * with a half-life, computed from the timestamps passed in.
 */
export interface ChurnConfig {
  halfLifeMs: number;
  /** Next-hop change or withdrawal (route), path change/loss (mesh), neighbour loss. */
  flapPenalty: number;
  /** Metric-only change. */
  metricPenalty: number;
  /** Alert opens when the score goes above this. */
  openAbove: number;
  /** ... and resolves when it decays below this. */
  resolveBelow: number;
  /** Score points kept per subject as evidence. */
  historyMax: number;
}

export const DEFAULT_CHURN: ChurnConfig = { halfLifeMs: 15 * 60_000, flapPenalty: 1000, metricPenalty: 500, openAbove: 2000, resolveBelow: 750, historyMax: 100 };

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

/** What one event adds to which subject's score (null: the event is not churn). */
export function penaltyOf(ev: DetectEvent, cfg: ChurnConfig = DEFAULT_CHURN): { kind: ChurnKind; penalty: number; link: string | null } | null {
  const link = (other: string | null) => (other && other !== ev.node ? subjectOf.link(ev.node, other) : null);
  switch (ev.code) {
    case "route_nexthop_changed":
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

/** Time passed: flapping subjects whose score decayed below `resolveBelow` resolve; quiet subjects are forgotten. */
export function evaluateChurn(prev: ChurnState, nowMs: number, cfg: ChurnConfig = DEFAULT_CHURN): { state: ChurnState; transitions: ChurnTransition[] } {
  const state: ChurnState = {};
  const transitions: ChurnTransition[] = [];
  for (const [subject, e] of Object.entries(prev)) {
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
