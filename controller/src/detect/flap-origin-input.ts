import type { Alert } from "@meshfleet/shared";
import type { AlertInput } from "../alerts/types";
import type { ChurnConfig, ChurnState, StoredEvent } from "./churn-score";
import type { FleetState } from "./fleet";
import { prefixOwner } from "./prefix-owner";
import { churningOn, episodeStart, flapOrigin, prefixOfRouteSubject, type OriginReason } from "./flap-origin";
import { subjectOf } from "./types";

const REASON: Record<OriginReason, (node: string, prefix: string) => string> = {
  owner: (n, p) => `${n} originates ${p}`,
  upstream: (n) => `the other nodes reach it through ${n}`,
  earliest: (n) => `its churn started first on ${n}`,
};

/** The nodes a route's events went through (before and after). */
function viasOf(events: readonly StoredEvent[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (!e.code.startsWith("route_")) continue;
    for (const side of [e.before, e.after] as unknown[]) {
      const v = side && typeof side === "object" ? (side as { viaNode?: unknown }).viaNode : null;
      if (typeof v === "string") out.add(v);
    }
  }
  return [...out].sort();
}

/**
 * A route_flapping alert about to open, renamed after the prefix's origin when that is
 * another node than the one whose score crossed the threshold: subject and node name the
 * origin, the evidence holds the origin's churn (when it churns) and says why it is the
 * origin (`detail.origin`) and where the threshold was crossed (`detail.crossedOn`).
 */
export function routeFlapOrigin(input: AlertInput, o: { churn: ChurnState; fleet: FleetState; cfg: ChurnConfig; ts: number; events: (ids: number[]) => StoredEvent[] }): AlertInput {
  const prefix = prefixOfRouteSubject(input.subject);
  const candidates = churningOn(o.churn, prefix, o.ts, o.cfg).map(({ entry }) => ({
    node: entry.node,
    startTs: episodeStart(entry, o.cfg) ?? entry.ts,
    score: entry.score,
    vias: viasOf(o.events(entry.eventIds.slice(-50))),
  }));
  const origin = flapOrigin({ owner: prefixOwner(o.fleet, prefix), candidates });
  const detail = { ...input.evidence.detail, origin: origin ? { node: origin.node, reason: origin.reason } : null };
  if (!origin || origin.node === input.node) return { ...input, evidence: { ...input.evidence, detail } };
  const own = o.churn[subjectOf.route(origin.node, prefix)];
  const score = Math.round(o.churn[input.subject]?.score ?? 0);
  return {
    ...input,
    subject: subjectOf.route(origin.node, prefix),
    node: origin.node,
    summary: `route ${prefix} is flapping, starting at ${origin.node} (${REASON[origin.reason](origin.node, prefix)}); first over the threshold on ${input.node ?? "?"} (churn score ${score})`,
    evidence: { eventIds: [...(own?.eventIds ?? []), ...input.evidence.eventIds].slice(-1000), scores: own?.history ?? input.evidence.scores, detail: { ...detail, crossedOn: input.node } },
  };
}

/**
 * The open route_flapping alert `subject`'s churn belongs to (the prefix's alert naming its
 * node as origin, where it crossed, or a folded symptom), when none of that alert's nodes
 * churns on the prefix any more (then it resolves). Other nodes flapping on the same
 * prefix for other reasons (another mesh's ::/0) do not hold it open.
 */
export function shouldResolvePrefix(subject: string, open: readonly Alert[], churn: ChurnState): Alert | null {
  const prefix = prefixOfRouteSubject(subject);
  const node = subject.split(":")[1];
  const membersOf = (a: Alert) => {
    const d = a.evidence.detail;
    const folded = Array.isArray(d?.folded) ? (d.folded as { code?: unknown; node?: unknown }[]).filter((f) => f.code === "route_flapping").map((f) => f.node) : [];
    return new Set([a.node, d?.crossedOn, ...folded].filter((n): n is string => typeof n === "string"));
  };
  const alert = open.find((a) => a.code === "route_flapping" && prefixOfRouteSubject(a.subject) === prefix && (a.subject === subject || (node !== undefined && membersOf(a).has(node))));
  if (!alert) return null;
  const members = membersOf(alert);
  const still = Object.entries(churn).some(([s, e]) => e.kind === "route" && e.flapping && prefixOfRouteSubject(s) === prefix && members.has(e.node));
  return still ? null : alert;
}
