import type { Hello, Snapshot } from "@meshfleet/shared";
import type { LintNode } from "./lint";

/** Reduces a snapshot to what the lint reads (small enough to persist per node); keeps the previous value of sections without data. */
export function lintFromSnapshot(prev: LintNode | null, s: Snapshot): LintNode {
  const base: LintNode = prev ?? { node: s.node, interfaces: null, wireless: null, routing: null, counters: null, linkLocal: [] };
  const r = s.routing.data;
  return {
    ...base,
    interfaces: s.interfaces.data?.interfaces ?? base.interfaces,
    wireless: s.wireless.data ?? base.wireless,
    routing: r ? { daemon: r.daemon, protocols: r.protocols, interfaces: [], neighbors: r.neighbors, routes: [] } : base.routing,
    // Rules only, without their (ever-changing) packet and byte counts.
    counters: s.counters.data ? s.counters.data.counters.filter((c) => c.kind === "named" || c.summary == null || /\budp\b|dport/.test(c.summary)).map((c) => ({ ...c, packets: 0, bytes: 0 })) : base.counters,
  };
}

/** The hello's link-local addresses. */
export function lintFromHello(prev: LintNode | null, h: Hello): LintNode {
  const base: LintNode = prev ?? { node: h.node, interfaces: null, wireless: null, routing: null, counters: null, linkLocal: [] };
  return { ...base, linkLocal: h.interfaces.flatMap((i) => i.linkLocal.map((address) => ({ iface: i.name, address: address.toLowerCase() }))) };
}
