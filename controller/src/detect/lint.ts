import type { NftCounter, RoutingView, Severity, WirelessConfig, WirelessInterface } from "@meshfleet/shared";

/** What the fleet lint reads per node: the latest hello and snapshot sections (null when unknown). */
export interface LintNode {
  node: string;
  interfaces: readonly WirelessInterface[] | null;
  wireless: WirelessConfig | null;
  routing: RoutingView | null;
  counters: readonly NftCounter[] | null;
  /** Link-local addresses from the hello. */
  linkLocal: readonly { iface: string; address: string }[];
}

export const LINT_KINDS = ["mesh_channel_mismatch", "mesh_id_mismatch", "mesh_on_dfs", "ssid_key_mismatch", "ssid_mobility_domain_mismatch", "ssid_80211r_mixed", "firewall_no_rip_accept", "firewall_no_babel_accept", "duplicate_link_local"] as const;
export type LintKind = (typeof LINT_KINDS)[number];

export interface LintFinding {
  kind: LintKind;
  /** One alert per subject: `lint:<kind>[:<scope>]`. */
  subject: string;
  severity: Severity;
  nodes: string[];
  message: string;
  detail: Record<string, unknown>;
}

/** 5 GHz DFS channels (radar detection; nodes drop out when radar moves them). */
export function isDfsChannel(ch: number): boolean {
  return ch >= 52 && ch <= 144;
}

interface MeshIf {
  node: string;
  meshId: string | null;
  channel: number | null;
}

function meshInterfaces(n: LintNode): MeshIf[] {
  const live = (n.interfaces ?? []).filter((i) => i.type?.toLowerCase() === "mesh point").map((i) => ({ node: n.node, meshId: i.meshId, channel: i.channel }));
  if (live.length > 0) return live;
  const radios = new Map((n.wireless?.radios ?? []).map((r) => [r.name, r]));
  return (n.wireless?.interfaces ?? [])
    .filter((i) => i.mode === "mesh" && i.disabled !== true)
    .map((i) => ({ node: n.node, meshId: i.meshId, channel: (i.device ? radios.get(i.device)?.channel : null) ?? null }));
}

function groupDistinct<T>(items: readonly T[], value: (t: T) => string | null, node: (t: T) => string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const it of items) {
    const v = value(it);
    if (v === null) continue;
    const list = m.get(v) ?? [];
    if (!list.includes(node(it))) list.push(node(it));
    m.set(v, list.sort());
  }
  return m;
}

const sortedObj = (m: Map<string, string[]>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
const allNodes = (m: Map<string, string[]>) => [...new Set([...m.values()].flat())].sort();

/** Does some firewall rule accept UDP to `port`? Reads the rule summary, else the fw4 comment. */
export function firewallAccepts(counters: readonly NftCounter[], port: number, words: RegExp): boolean {
  return counters.some((c) => {
    if (c.summary) {
      if (!/\baccept\b/.test(c.summary)) return false;
      const m = /udp dport (?:(\d+(?:-\d+)?)|\{([^}]*)\})/.exec(c.summary);
      if (!m) return false;
      const ports = (m[1] ?? m[2] ?? "").split(/[\s,]+/).filter(Boolean);
      return ports.some((p) => {
        const [lo, hi] = p.split("-").map(Number);
        return hi === undefined ? lo === port : lo! <= port && port <= hi;
      });
    }
    return c.kind === "rule" && c.comment !== null && words.test(c.comment);
  });
}

function runs(r: RoutingView, kind: "rip" | "babel"): boolean {
  return r.protocols.some((p) => p.proto.toLowerCase() === kind && p.state.toLowerCase() === "up") || r.neighbors.some((n) => n.kind === kind);
}

/** Consistency lint across the fleet (pure; findings sorted by subject). */
export function lintFleet(nodes: readonly LintNode[]): LintFinding[] {
  const out: LintFinding[] = [];
  const mesh = nodes.flatMap(meshInterfaces);
  const channels = groupDistinct(mesh, (m) => (m.channel === null ? null : String(m.channel)), (m) => m.node);
  if (channels.size > 1) out.push({ kind: "mesh_channel_mismatch", subject: "lint:mesh_channel_mismatch", severity: "critical", nodes: allNodes(channels), message: `mesh nodes on different channels: ${[...channels.keys()].join(", ")}`, detail: { channels: sortedObj(channels) } });
  const ids = groupDistinct(mesh, (m) => m.meshId, (m) => m.node);
  if (ids.size > 1) out.push({ kind: "mesh_id_mismatch", subject: "lint:mesh_id_mismatch", severity: "critical", nodes: allNodes(ids), message: `mesh nodes with different mesh ids: ${[...ids.keys()].join(", ")}`, detail: { meshIds: sortedObj(ids) } });
  for (const m of mesh) {
    if (m.channel !== null && isDfsChannel(m.channel)) {
      const subject = `lint:mesh_on_dfs:${m.node}`;
      if (!out.some((f) => f.subject === subject)) out.push({ kind: "mesh_on_dfs", subject, severity: "warning", nodes: [m.node], message: `${m.node} runs its mesh on DFS channel ${m.channel}`, detail: { channel: m.channel } });
    }
  }
  const aps = nodes.flatMap((n) => (n.wireless?.interfaces ?? []).filter((i) => i.mode === "ap" && i.disabled !== true && i.ssid).map((i) => ({ node: n.node, i })));
  for (const ssid of [...new Set(aps.map((a) => a.i.ssid!))].sort()) {
    const group = aps.filter((a) => a.i.ssid === ssid);
    const keys = groupDistinct(group, (a) => a.i.keyFingerprint, (a) => a.node);
    if (keys.size > 1) out.push({ kind: "ssid_key_mismatch", subject: `lint:ssid_key_mismatch:${ssid}`, severity: "warning", nodes: allNodes(keys), message: `APs of SSID ${ssid} use ${keys.size} different keys`, detail: { ssid, nodesByKey: Object.values(sortedObj(keys)) } });
    const ft = group.filter((a) => a.i.ieee80211r === true);
    const mds = groupDistinct(ft, (a) => a.i.mobilityDomain?.toLowerCase() ?? null, (a) => a.node);
    if (mds.size > 1) out.push({ kind: "ssid_mobility_domain_mismatch", subject: `lint:ssid_mobility_domain_mismatch:${ssid}`, severity: "warning", nodes: allNodes(mds), message: `APs of SSID ${ssid} use different 802.11r mobility domains: ${[...mds.keys()].join(", ")}`, detail: { ssid, mobilityDomains: sortedObj(mds) } });
    if (ft.length > 0 && ft.length < group.length) {
      const without = [...new Set(group.filter((a) => a.i.ieee80211r !== true).map((a) => a.node))].sort();
      out.push({ kind: "ssid_80211r_mixed", subject: `lint:ssid_80211r_mixed:${ssid}`, severity: "warning", nodes: without, message: `APs of SSID ${ssid} without 802.11r: ${without.join(", ")}`, detail: { ssid, without } });
    }
  }
  for (const n of nodes) {
    if (!n.routing || !n.counters) continue;
    if (runs(n.routing, "rip") && !firewallAccepts(n.counters, 521, /rip/i)) out.push({ kind: "firewall_no_rip_accept", subject: `lint:firewall_no_rip_accept:${n.node}`, severity: "critical", nodes: [n.node], message: `${n.node} runs RIPng but no firewall rule accepts UDP 521`, detail: { port: 521 } });
    if (runs(n.routing, "babel") && !firewallAccepts(n.counters, 6696, /babel/i)) out.push({ kind: "firewall_no_babel_accept", subject: `lint:firewall_no_babel_accept:${n.node}`, severity: "critical", nodes: [n.node], message: `${n.node} runs Babel but no firewall rule accepts UDP 6696`, detail: { port: 6696 } });
  }
  const owners = new Map<string, Set<string>>();
  for (const n of nodes) for (const a of n.linkLocal) owners.set(a.address.toLowerCase(), (owners.get(a.address.toLowerCase()) ?? new Set()).add(n.node));
  for (const [address, set] of owners) {
    if (set.size < 2) continue;
    const list = [...set].sort();
    out.push({ kind: "duplicate_link_local", subject: `lint:duplicate_link_local:${address}`, severity: "critical", nodes: list, message: `routers ${list.join(", ")} share the link-local address ${address}`, detail: { address } });
  }
  return out.sort((a, b) => a.subject.localeCompare(b.subject));
}
