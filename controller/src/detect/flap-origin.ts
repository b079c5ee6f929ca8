import type { ChurnConfig, ChurnState, ScoreEntry } from "./churn-score";
import { decay } from "./churn-score";

/** Why a node is named as a flapping prefix's origin. */
export type OriginReason = "owner" | "upstream" | "earliest";

/** A node churning on the prefix: when its current churn episode started, and which nodes its route went through. */
export interface FlapCandidate {
  node: string;
  startTs: number;
  score: number;
  vias: readonly string[];
}

export const prefixOfRouteSubject = (subject: string) => subject.split(":").slice(2).join(":");

/**
 * When the current churn episode of a score started: the first flap after the score was
 * last calm (decayed under `resolveBelow` before the next flap), from its history.
 */
export function episodeStart(e: Pick<ScoreEntry, "history">, cfg: Pick<ChurnConfig, "halfLifeMs" | "resolveBelow">): number | null {
  const h = e.history;
  if (h.length === 0) return null;
  let start = h[h.length - 1]!.ts;
  for (let i = h.length - 1; i > 0; i--) {
    const before = decay(h[i - 1]!.score, h[i - 1]!.ts, h[i]!.ts, cfg.halfLifeMs);
    if (before < cfg.resolveBelow) break;
    start = h[i - 1]!.ts;
  }
  return start;
}

/** The route entries churning on `prefix` (kind route, score still above `resolveBelow` at `nowMs`). */
export function churningOn(churn: ChurnState, prefix: string, nowMs: number, cfg: Pick<ChurnConfig, "halfLifeMs" | "resolveBelow">): { subject: string; entry: ScoreEntry }[] {
  return Object.entries(churn)
    .filter(([subject, e]) => e.kind === "route" && prefixOfRouteSubject(subject) === prefix && (e.flapping || decay(e.score, e.ts, nowMs, cfg.halfLifeMs) >= cfg.resolveBelow))
    .map(([subject, entry]) => ({ subject, entry }))
    .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

/**
 * The origin of a flapping prefix, pure: the node that originates it (directly connected
 * or stub route) when the fleet knows one; else the churning node whose route does not go
 * through another churning node (the others' churn is the origin's, propagated); else, or
 * among several such, the one whose churn started earliest (then the higher score, then
 * the name). Null when nobody churns and nobody owns it.
 */
export function flapOrigin(o: { owner: string | null; candidates: readonly FlapCandidate[] }): { node: string; reason: OriginReason } | null {
  if (o.owner) return { node: o.owner, reason: "owner" };
  if (o.candidates.length === 0) return null;
  const churning = new Set(o.candidates.map((c) => c.node));
  const upstream = o.candidates.filter((c) => !c.vias.some((v) => v !== c.node && churning.has(v)));
  const byStart = (xs: readonly FlapCandidate[]) => [...xs].sort((a, b) => a.startTs - b.startTs || b.score - a.score || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))[0]!;
  if (upstream.length > 0 && upstream.length < o.candidates.length) return { node: byStart(upstream).node, reason: "upstream" };
  return { node: byStart(upstream.length > 0 ? upstream : o.candidates).node, reason: "earliest" };
}
