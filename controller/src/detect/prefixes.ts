import { subjectOf, type PrefixEvent, type Step } from "./types";

/** Per node: the delegated prefixes at the last observation (sorted). */
export type PrefixesState = string[];

/** Delegated prefix (DHCPv6-PD) changed on one node. First observation: baseline. */
export function stepPrefixes(prev: PrefixesState | null, prefixes: readonly string[], node: string, ts: number): Step<PrefixesState, PrefixEvent> {
  const next = [...new Set(prefixes.map((p) => p.toLowerCase()))].sort();
  if (prev === null || (prev.length === next.length && prev.every((p, i) => p === next[i]))) return { state: next, events: [] };
  return { state: next, events: [{ code: "delegated_prefix_changed", node, ts, subject: subjectOf.prefix(node), before: prev, after: next }] };
}
