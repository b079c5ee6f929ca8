import { penaltyOf, type ChurnConfig } from "./churn-score";
import { isOwnRoute } from "./routes";
import type { RouteEvent, RouteState } from "./types";

/**
 * A RIP route counting to infinity (no poisoned reverse around a ring): once its origin is
 * gone, the prefix goes round the ring with a growing metric (4, 8, 12 ...) until it reaches
 * 16 and is withdrawn. An agent sampling every few seconds sees it get worse in steps (a
 * next hop with a worse metric, metric up, up) and then go, or go, come back worse and go
 * again; the origin itself may hear its own prefix echoed back once its connected route is
 * gone. The routers lost the prefix once.
 */
export interface Retraction {
  /** The chain's first event. */
  at: number;
  /** The chain's last event. */
  lastTs: number;
  /** The route's metric before the chain. */
  metric: number;
  /** Penalty the chain has charged so far. */
  charged: number;
  /** The route is present, worse than `metric` (else it is withdrawn, waiting to come back). */
  counting: boolean;
}

/** Per prefix, on one node. */
export type RetractionsState = Record<string, Retraction>;

const worse = (base: number, metric: number | null) => metric !== null && metric > base;
/** The metric a route had; the node's own prefix (connected, originated) is as good as it gets: 0. */
const metricOf = (r: RouteState): number | null => r.metric ?? (isOwnRoute(r) ? 0 : null);

/**
 * Scores a RIP route's count to infinity as the one withdrawal it is. A chain starts at a
 * withdrawal or a change to a worse metric (charged as usual); while the route stays worse
 * than before, its changes weigh nothing, and the withdrawal ending it weighs what is left of
 * one withdrawal's penalty; a return worse than before after the withdrawal continues it
 * (weighs nothing), a return to the old metric or better ends it. Each step must come within
 * `countToInfinityMs` of the last (RIP's route timeout). Marked events carry
 * `countToInfinity: { penalty }`; routes `isRip` says are not RIP's pass unmarked (Babel is
 * loop-free: a worse metric there is a real change). Pure; events keep their order.
 */
export function stepRetractions(
  prev: RetractionsState,
  events: readonly RouteEvent[],
  ts: number,
  cfg: ChurnConfig,
  isRip: (protocol: string | null) => boolean,
): { state: RetractionsState; events: RouteEvent[] } {
  const state: RetractionsState = {};
  for (const [prefix, r] of Object.entries(prev)) if (ts - r.lastTs <= cfg.countToInfinityMs) state[prefix] = r;
  const out = events.map((e): RouteEvent => {
    // RIP's routes, and the node's own route (connected, then heard back from RIP neighbours).
    if (!isRip(e.before?.protocol ?? null) && !isRip(e.after?.protocol ?? null) && !(e.code === "route_withdrawn" && isOwnRoute(e.before))) return e;
    const r = state[e.prefix];
    const mark = (penalty: number): RouteEvent => ({ ...e, countToInfinity: { penalty } });
    const start = (metric: number | null, counting: boolean) => {
      if (metric === null) delete state[e.prefix];
      else state[e.prefix] = { at: e.ts, lastTs: e.ts, metric, charged: penaltyOf(e, cfg)?.penalty ?? 0, counting };
      return e;
    };
    switch (e.code) {
      case "route_withdrawn":
        if (!r?.counting) return start(metricOf(e.before), false);
        state[e.prefix] = { ...r, lastTs: e.ts, charged: Math.max(r.charged, cfg.flapPenalty), counting: false };
        return mark(Math.max(0, cfg.flapPenalty - r.charged));
      case "route_added":
        if (!r) return e;
        if (!worse(r.metric, e.after.metric)) {
          delete state[e.prefix];
          return e;
        }
        state[e.prefix] = { ...r, lastTs: e.ts, counting: true };
        return mark(0);
      case "route_metric_changed":
      case "route_nexthop_changed":
        if (!r?.counting) return worse(metricOf(e.before) ?? Infinity, e.after.metric) ? start(metricOf(e.before), true) : e;
        if (worse(r.metric, e.after.metric)) state[e.prefix] = { ...r, lastTs: e.ts };
        else delete state[e.prefix];
        return mark(0);
    }
  });
  return { state, events: out };
}
