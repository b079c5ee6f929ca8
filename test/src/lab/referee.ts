import { isLost, type KernelChange } from "./kernel";

/**
 * Pure comparison of meshfleet's route events with the kernel's route changes (the
 * referee), per node and prefix. The agent sees a change in the first snapshot taken after
 * it (snapshots are stamped when they start, every `intervalMs`), the referee in its next
 * poll (every `pollMs`): an event and a kernel change match when the change happened
 * between two intervals before the event and one interval (plus a poll) after it.
 */
export interface RouteEv {
  id: number;
  code: string;
  node: string;
  prefix: string;
  ts: number;
}

export interface RefereeOptions {
  intervalMs: number;
  pollMs: number;
}

export interface RefereeVerdict {
  /** Route events with no kernel change of their kind near them (`route_metric_changed` is not checked: the kernel does not carry the daemon's metric). */
  unmatched: RouteEv[];
  /** Kernel losses that lasted at least two intervals (and their returns) with no withdrawal/addition reported. */
  missed: KernelChange[];
  /** Counts, for the printed numbers. */
  kernel: { lost: number; regained: number; moved: number };
  meshfleet: Record<string, number>;
}

const kindOf = (c: KernelChange): "lost" | "regained" | "moved" => (isLost(c.after) ? "lost" : isLost(c.before) ? "regained" : "moved");

export function referee(changes: readonly KernelChange[], events: readonly RouteEv[], o: RefereeOptions, endTs: number): RefereeVerdict {
  const unmatched: RouteEv[] = [];
  const missed: KernelChange[] = [];
  const kernel = { lost: 0, regained: 0, moved: 0 };
  const meshfleet: Record<string, number> = {};
  for (const c of changes) kernel[kindOf(c)] += 1;
  for (const e of events) meshfleet[e.code] = (meshfleet[e.code] ?? 0) + 1;
  const near = (e: RouteEv, c: KernelChange) => c.at >= e.ts - 2 * o.intervalMs && c.from <= e.ts + o.intervalMs + o.pollMs;
  const keys = new Set([...changes.map((c) => `${c.node} ${c.prefix}`), ...events.map((e) => `${e.node} ${e.prefix}`)]);
  for (const key of keys) {
    const cs = changes.filter((c) => `${c.node} ${c.prefix}` === key);
    const es = events.filter((e) => `${e.node} ${e.prefix}` === key).sort((a, b) => a.ts - b.ts);
    const used = new Set<KernelChange>();
    const matched = new Set<KernelChange>();
    for (const e of es) {
      const want = e.code === "route_withdrawn" ? "lost" : e.code === "route_added" ? "regained" : null;
      if (want === null) {
        // A next-hop or metric change may be a move, or a loss and a return shorter than an
        // interval (the snapshots missed the gap). A metric change alone is no kernel change
        // (the kernel does not carry the daemon's metric), so it is never unmatched.
        const all = cs.filter((x) => near(e, x));
        if (all.length === 0 && e.code !== "route_metric_changed") unmatched.push(e);
        for (const x of all) matched.add(x);
        continue;
      }
      // A withdrawal or an addition takes its own kernel change.
      const c = cs.find((x) => !used.has(x) && near(e, x) && kindOf(x) === want);
      if (!c) unmatched.push(e);
      else {
        matched.add(c);
        used.add(c);
      }
    }
    // A loss that lasted two intervals (and a poll) cannot slip between snapshots: it and
    // the return that ended it must have been reported.
    for (const [i, c] of cs.entries()) {
      if (kindOf(c) !== "lost") continue;
      const back = cs[i + 1];
      if ((back?.from ?? endTs) - c.at < 2 * o.intervalMs + o.pollMs) continue;
      if (!matched.has(c)) missed.push(c);
      if (back && !matched.has(back)) missed.push(back);
    }
  }
  return { unmatched, missed, kernel, meshfleet };
}
