import { isLost, type KernelChange, type KernelState } from "./kernel";
import type { Observation } from "./recorder";

/**
 * Pure comparison of meshfleet's route events with the kernel's route changes (the
 * referee), per node and prefix, judged by when things really happened, not by the
 * agents' nominal interval (on a loaded machine cycles stretch to seconds):
 * - an event comes from two of its node's snapshots: the change happened after the earlier
 *   one read the daemon and before the later one finished reading it (`Observation`);
 * - a kernel change happened after the referee last knew the old state and before it heard
 *   of the new one (`KernelChange.from`/`at`);
 * - the daemon writes the kernel a little after its own table changed (`lagMs`), except
 *   where the kernel changes first: it drops the routes over a link the moment the link
 *   goes down, and the daemon notices a little later (`leadMs`).
 * An event and a kernel change match when those windows overlap.
 */
export interface RouteEv {
  id: number;
  code: string;
  node: string;
  prefix: string;
  ts: number;
}

export interface RefereeOptions {
  /** How long after its own table a daemon may write the kernel (and the referee's poll see it). */
  lagMs: number;
  /** How long after the kernel the daemon may change its table (a link going down: the kernel drops its routes at once). */
  leadMs?: number;
  /**
   * Judge the kernel's changes from here on (the scenario's start); earlier ones only tell
   * what the reads before it saw. Cutting the list there instead would take the state before
   * the first change left as what every earlier read saw.
   */
  since?: number;
}

export interface RefereeVerdict {
  /** Route events with no kernel change of their kind in their window, or no agent read to place them (`route_metric_changed` is not checked: the kernel does not carry the daemon's metric). */
  unmatched: RouteEv[];
  /** Losses (and returns) the agents' reads saw, with no withdrawal (addition) reported among the kernel's changes between those reads. */
  missed: KernelChange[];
  /** Counts, for the printed numbers. */
  kernel: { lost: number; regained: number; moved: number };
  meshfleet: Record<string, number>;
}

export interface Window {
  start: number;
  end: number;
}

const kindOf = (c: KernelChange): "lost" | "regained" | "moved" => (isLost(c.after) ? "lost" : isLost(c.before) ? "regained" : "moved");
/** A snapshot's stamp and its observation's: the agent stamps just before its collector runs. */
const STAMP_MS = 50;

/** Per node, its observations in time order. */
export function byNode(observations: readonly Observation[]): Map<string, Observation[]> {
  const m = new Map<string, Observation[]>();
  for (const o of [...observations].sort((a, b) => a.ts - b.ts)) m.set(o.node, [...(m.get(o.node) ?? []), o]);
  return m;
}

/** When the change an event reports happened: after the previous observation began reading, before this one finished. Null when no observation has its stamp. */
export function eventWindow(obs: readonly Observation[], ts: number): Window | null {
  const i = obs.findIndex((o) => Math.abs(o.ts - ts) <= STAMP_MS);
  if (i < 0) return null;
  return { start: i > 0 ? obs[i - 1]!.readStart : -Infinity, end: obs[i]!.readEnd };
}

/** An event's window and a kernel change overlap (the daemon writes the kernel up to `lagMs` after its own table changed, or follows the kernel up to `leadMs` later). */
export function overlaps(w: Window | null, c: KernelChange, lagMs: number, leadMs = 0): boolean {
  return w !== null && w.start - leadMs < c.at && c.from - lagMs < w.end;
}

export function referee(changes: readonly KernelChange[], events: readonly RouteEv[], observations: readonly Observation[], o: RefereeOptions): RefereeVerdict {
  const unmatched: RouteEv[] = [];
  const missed: KernelChange[] = [];
  const kernel = { lost: 0, regained: 0, moved: 0 };
  const meshfleet: Record<string, number> = {};
  const since = o.since ?? -Infinity;
  for (const c of changes) if (c.at >= since) kernel[kindOf(c)] += 1;
  for (const e of events) meshfleet[e.code] = (meshfleet[e.code] ?? 0) + 1;
  const obs = byNode(observations);
  const near = (w: Window, c: KernelChange) => overlaps(w, c, o.lagMs, o.leadMs);
  const keys = new Set([...changes.map((c) => `${c.node} ${c.prefix}`), ...events.map((e) => `${e.node} ${e.prefix}`)]);
  for (const key of keys) {
    const cs = changes.filter((c) => `${c.node} ${c.prefix}` === key).sort((a, b) => a.at - b.at);
    const es = events.filter((e) => `${e.node} ${e.prefix}` === key).sort((a, b) => a.ts - b.ts);
    const nodeObs = obs.get(key.split(" ")[0]!) ?? [];
    const used = new Set<KernelChange>();
    const matched = new Set<KernelChange>();
    for (const e of es) {
      const w = eventWindow(nodeObs, e.ts);
      if (w === null) {
        if (e.code !== "route_metric_changed") unmatched.push(e);
        continue;
      }
      const want = e.code === "route_withdrawn" ? "lost" : e.code === "route_added" ? "regained" : null;
      if (want === null) {
        // A next-hop or metric change may be a move, or a loss and a return between two
        // reads. A metric change alone is no kernel change (the kernel does not carry the
        // daemon's metric), so it is never unmatched.
        const all = cs.filter((x) => near(w, x));
        if (all.length === 0 && e.code !== "route_metric_changed") unmatched.push(e);
        for (const x of all) matched.add(x);
        continue;
      }
      // A withdrawal or an addition takes its own kernel change: the one nearest the end of its
      // read (the state the read saw; the kernel may follow the daemon a moment after it).
      const c = reported(cs.filter((x) => !used.has(x) && near(w, x) && kindOf(x) === want), w);
      if (!c) unmatched.push(e);
      else {
        matched.add(c);
        used.add(c);
      }
    }
    // Where the agent's reads saw the prefix go (or come back), a withdrawal (an addition)
    // must have taken one of the kernel's losses (returns) between those two reads. A loss
    // after a return that no read saw is no change for any sampler.
    for (const s of cs.length > 0 ? sampledSteps(cs, nodeObs, o.lagMs) : []) {
      const want = isLost(s.last.after) && !isLost(s.before) ? "lost" : isLost(s.before) && !isLost(s.last.after) ? "regained" : null;
      if (want !== null && s.last.at >= since && !s.spanned.some((c) => used.has(c) && kindOf(c) === want)) missed.push({ ...s.last, before: s.before });
    }
  }
  return { unmatched, missed, kernel, meshfleet };
}

/**
 * Of the candidate changes an event's window overlaps, the one its read reported: the nearest
 * the read's end. Not the first in the window: with `leadMs` a window reaches back over a
 * loss and a return no read saw, and taking those would leave the change the read saw to
 * look unreported. Not the last before the read ended: the daemon changes first and the
 * kernel follows up to `lagMs` after the read.
 */
function reported(candidates: readonly KernelChange[], w: Window): KernelChange | undefined {
  const distance = (x: KernelChange) => Math.abs(x.at - w.end);
  return [...candidates].sort((a, b) => distance(a) - distance(b))[0];
}

/**
 * Where meshfleet's convergence may end, given the kernel's (visible) changes of a step and
 * when the agents read: no earlier than the first snapshot that could have seen each change
 * (its read ended after the change may have happened), no later than the first snapshot of
 * the changed node that surely saw the last of them (its read began after the change was
 * seen in the kernel). On a quiet machine this is about one agent interval; under load it
 * is what the agents' cycles really were.
 */
export function convergenceBounds(changes: readonly KernelChange[], observations: readonly Observation[], lagMs: number): { lower: number; upper: number } | null {
  if (changes.length === 0) return null;
  const obs = byNode(observations);
  let lower = -Infinity;
  let upper = -Infinity;
  for (const c of changes) {
    const list = obs.get(c.node) ?? [];
    lower = Math.max(lower, list.find((o) => o.readEnd > c.from - lagMs)?.ts ?? Infinity);
    upper = Math.max(upper, list.find((o) => o.readStart > c.at)?.ts ?? Infinity);
  }
  return { lower, upper };
}

/** A change of the state an agent's reads surely saw: from `before` to `last.after`, through the kernel's changes `spanned` (the last of them `last`). */
interface SampledStep {
  before: KernelState;
  last: KernelChange;
  spanned: KernelChange[];
}

/**
 * Pure, for one node and prefix (`cs` in time order): the state each read surely saw (the
 * last change before the read began, none during it), and a step wherever that state
 * differs from the one the read before saw.
 */
function sampledSteps(cs: readonly KernelChange[], obs: readonly Observation[], lagMs: number): SampledStep[] {
  const out: SampledStep[] = [];
  let seen: { state: KernelState; since: number } | null = null;
  for (const o of obs) {
    if (cs.some((c) => c.from - lagMs < o.readEnd && c.at > o.readStart)) continue;
    const last = cs.filter((c) => c.at <= o.readStart).at(-1);
    const state = last ? last.after : cs[0]!.before;
    if (seen && seen.state !== state && last) out.push({ before: seen.state, last, spanned: cs.filter((c) => c.at > seen!.since && c.at <= last.at) });
    seen = { state, since: last?.at ?? -Infinity };
  }
  return out;
}

/**
 * The kernel's changes as an agent reading its node could see them: a change wherever the
 * state a read surely saw differs from the one the read before saw, timed as the kernel's
 * last change to it. A loss and a return between two reads (or a move there and back) is
 * no change here, as it is none for any sampler. Only those from `since` (earlier changes
 * still tell what the reads before it saw).
 */
export function sampledChanges(changes: readonly KernelChange[], observations: readonly Observation[], lagMs: number, since = -Infinity): KernelChange[] {
  const out: KernelChange[] = [];
  const obs = byNode(observations);
  const keys = new Set(changes.map((c) => `${c.node} ${c.prefix}`));
  for (const key of keys) {
    const cs = changes.filter((c) => `${c.node} ${c.prefix}` === key).sort((a, b) => a.at - b.at);
    for (const s of sampledSteps(cs, obs.get(cs[0]!.node) ?? [], lagMs)) if (s.last.at >= since) out.push({ ...s.last, before: s.before });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Route events whose kernel changes (those their window overlaps) no agent read saw surely
 * (`sampledChanges`): every read near them overlapped a change's window. meshfleet may still
 * have seen them (the referee matches each event), so an incident may end at them.
 */
export function seenOnlyUnsure(events: readonly RouteEv[], changes: readonly KernelChange[], observations: readonly Observation[], o: RefereeOptions): RouteEv[] {
  const sure = new Set(sampledChanges(changes, observations, o.lagMs).map((c) => `${c.node} ${c.prefix} ${c.at}`));
  const obs = byNode(observations);
  return events.filter((e) => {
    const w = eventWindow(obs.get(e.node) ?? [], e.ts);
    const cs = changes.filter((c) => c.node === e.node && c.prefix === e.prefix && overlaps(w, c, o.lagMs, o.leadMs));
    return cs.length > 0 && cs.every((c) => !sure.has(`${c.node} ${c.prefix} ${c.at}`));
  });
}

/** The peak of a decaying churn score (penalties at times, halved every `halfLifeMs`). */
export function churnPeak(churn: readonly { at: number; penalty: number }[], halfLifeMs: number): number {
  let score = 0;
  let at = 0;
  let peak = 0;
  for (const c of [...churn].sort((a, b) => a.at - b.at)) {
    score = score * Math.pow(2, -(c.at - at) / halfLifeMs) + c.penalty;
    at = c.at;
    peak = Math.max(peak, score);
  }
  return Math.round(peak);
}
