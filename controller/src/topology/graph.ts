import type { z } from "zod";
import type { PackedSnapshot } from "../store/index";
import type { netjsonGraph } from "./schemas";
import type { NodeStatus } from "../nodes/status";
import type { LinkHealthInfo } from "../http/deps";

export type NetJsonGraph = z.infer<typeof netjsonGraph>;

/** A mesh link's health as the detector sees it (link subjects `link:a-b`, a < b). */
export interface TopologyInput {
  timestamp: number;
  /** Mesh link health by `link:a-b` (now only; absent for past topologies). */
  linkHealth?: ReadonlyMap<string, LinkHealthInfo>;
  nodes: { id: string; status: NodeStatus; model: string | null; data: PackedSnapshot | null }[];
  macToNode: ReadonlyMap<string, string>;
  addressToNode: ReadonlyMap<string, string>;
}

interface LinkAcc {
  source: string;
  target: string;
  type: "mesh" | "routing";
  costs: Record<string, number>;
  /** Per direction ("from>to"): the mesh peer's signal (dBm) and expected throughput (Mbit/s) as `from` sees `to`. */
  signal: Record<string, number>;
  throughput: Record<string, number>;
  props: Record<string, unknown>;
}

/**
 * Builds the fleet's NetJSON NetworkGraph (pure). Links: 802.11s mesh peerings (a mesh
 * peer station, or a direct mesh path, whose MAC a hello maps to another node; cost = the
 * airtime metric) and routing adjacencies (a RIPng/Babel neighbour whose link-local
 * address maps to another node; cost = its metric). One link per node pair and kind, its
 * cost the mean of the directions seen, the per-direction costs (and for mesh links the
 * peer's signal and expected throughput as each side sees the other) in properties. Peers
 * outside the fleet appear as nodes named by their MAC. Relayed mesh paths (next hop not
 * the destination) are listed apart in `relayedPaths`, one per source and destination
 * already in the graph, the next hop named by its node when the fleet knows it. Mesh
 * links carry the detector's `health` (ok/degraded/down, with baseline and current values
 * per side in `healthDetail`); a link held down is listed although no data shows it.
 */
export function buildTopology(t: TopologyInput): NetJsonGraph {
  const nodes = new Map<string, NetJsonGraph["nodes"][number]>();
  for (const n of t.nodes) nodes.set(n.id, { id: n.id, label: n.id, properties: { status: n.status, model: n.model, fleet: true } });
  const links = new Map<string, LinkAcc>();
  const add = (type: "mesh" | "routing", from: string, to: string, cost: number | null, props: Record<string, unknown>) => {
    if (from === to) return;
    const [a, b] = from < to ? [from, to] : [to, from];
    const key = `${type}|${a}|${b}`;
    let l = links.get(key);
    if (!l) links.set(key, (l = { source: a, target: b, type, costs: {}, signal: {}, throughput: {}, props: {} }));
    if (cost !== null && Number.isFinite(cost)) l.costs[`${from}>${to}`] = Math.min(l.costs[`${from}>${to}`] ?? Infinity, cost);
    Object.assign(l.props, props);
  };
  const peerId = (mac: string) => {
    const id = t.macToNode.get(mac.toLowerCase());
    if (id) return id;
    if (!nodes.has(mac)) nodes.set(mac, { id: mac, label: mac, properties: { fleet: false } });
    return mac;
  };
  for (const n of t.nodes) {
    if (!n.data) continue;
    for (const s of n.data.st) {
      if (s[8] === null) continue; // not a mesh peer
      const peer = peerId(s[1]);
      add("mesh", n.id, peer, s[9], { plink: s[8] });
      const l = links.get(n.id < peer ? `mesh|${n.id}|${peer}` : `mesh|${peer}|${n.id}`);
      if (l && s[2] !== null) l.signal[`${n.id}>${peer}`] = s[2];
      if (l && s[6] !== null) l.throughput[`${n.id}>${peer}`] = s[6];
    }
    for (const p of n.data.mp) {
      if (p[0] !== p[1]) continue; // relayed path: not an adjacency
      add("mesh", n.id, peerId(p[0]), p[3], {});
    }
    for (const nb of n.data.nb) {
      const other = t.addressToNode.get(nb[2].toLowerCase().replace(/%.*$/, ""));
      if (other) add("routing", n.id, other, nb[4], { protocol: nb[0] });
    }
  }
  // A link the detector holds down is missing from the data: keep it in the graph, marked down.
  for (const h of t.linkHealth?.values() ?? []) {
    const [a, b] = h.nodes;
    if (h.health === "down" && nodes.has(a) && nodes.has(b) && !links.has(`mesh|${a}|${b}`)) add("mesh", a, b, null, {});
  }
  const out: NetJsonGraph["links"] = [];
  for (const l of [...links.values()].sort((x, y) => `${x.type}${x.source}${x.target}`.localeCompare(`${y.type}${y.source}${y.target}`))) {
    const cs = Object.values(l.costs);
    const cost = cs.length ? Math.round((cs.reduce((a, b) => a + b, 0) / cs.length) * 1000) / 1000 : 0;
    const h = l.type === "mesh" ? t.linkHealth?.get(`link:${l.source}-${l.target}`) : undefined;
    const health = h ? { health: h.health, healthDetail: { since: h.since, reason: h.reason, sides: h.sides } } : {};
    const extra = l.type === "mesh" ? { signal: l.signal, throughput: l.throughput } : {};
    out.push({ source: l.source, target: l.target, cost, properties: { type: l.type, costs: l.costs, ...extra, ...l.props, ...health } });
  }
  const relayed = new Map<string, NetJsonGraph["relayedPaths"][number]>();
  for (const n of t.nodes) {
    if (!n.data) continue;
    for (const p of n.data.mp) {
      if (p[0].toLowerCase() === p[1].toLowerCase()) continue;
      const dest = t.macToNode.get(p[0].toLowerCase()) ?? p[0];
      const key = `${n.id}\u0000${dest}`;
      if (dest === n.id || !nodes.has(dest) || relayed.has(key)) continue;
      relayed.set(key, { source: n.id, destination: dest, via: t.macToNode.get(p[1].toLowerCase()) ?? p[1], hops: p[4], metric: p[3] });
    }
  }
  return {
    type: "NetworkGraph",
    protocol: "meshfleet",
    version: "1",
    metric: "airtime/routing",
    label: "meshfleet fleet",
    timestamp: t.timestamp,
    nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
    links: out,
    relayedPaths: [...relayed.values()].sort((a, b) => a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination)),
  };
}
