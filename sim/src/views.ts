import { hash32, noise, smoothNoise } from "./random";
import { airtimeMetric, babelCost, clientRate, expectedThroughputKbps, meshRate, type Rate } from "./radio";
import { nodeUp, type SiteRuntime, type SiteTables } from "./topology";
import { stationPosition } from "./stations";
import type { SimLink, SimNode, SimStation } from "./types";
import type { World } from "./world";

/**
 * What a node sees at time t, as plain values: the renderers turn these into the
 * text each tool prints, and tests compare parsed output with them.
 */

export interface PeerView {
  peer: SimNode;
  link: SimLink;
  /** Signal as displayed (integer dBm, with per-second variation), per chain, and average. */
  signal: number;
  chains: [number, number];
  signalAvg: number;
  tx: Rate;
  rx: Rate;
  throughputKbps: number;
  airtime: number;
  llid: number;
  plid: number;
  connectedSec: number;
  inactiveMs: number;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  txRetries: number;
  txFailed: number;
}

function displaySignal(seed: number, key: number, s: number, t: number): number {
  return Math.round(s + noise(seed, key, Math.floor(t / 1000)) * 4 - 2);
}

/** The link's slow fading at t (dB, within +-fadingDb): a wander over ~10 min plus a per-minute jitter. */
function fading(seed: number, link: number, t: number, db: number): number {
  if (db === 0) return 0;
  return db * (0.7 * smoothNoise(seed ^ 0x5f4d, link, t / 600_000) + 0.3 * smoothNoise(seed ^ 0x2b1, link, t / 60_000));
}

/** Mesh peers in ESTAB (usable links) of a node, by peer MAC. */
export function peerViews(w: World, node: SimNode, t = w.now): PeerView[] {
  const m = w.model;
  const tables = w.tables(node, t);
  const out: PeerView[] = [];
  for (const id of node.links) {
    const link = m.links[id]!;
    const peer = m.nodes[link.a === node.index ? link.b : link.a]!;
    const distance = tables.signal[node.local * tables.n + peer.local]!;
    if (Number.isNaN(distance)) continue;
    const raw = distance + fading(m.seed, id, t, w.fadingDb);
    const dir = link.a === node.index ? 0 : 1;
    const key = id * 2 + dir;
    const signal = displaySignal(m.seed, key, raw, t);
    const since = Math.max(link.changedAt, node.bootAt, peer.bootAt) + 5_000;
    const elapsed = Math.max(0, (t - since) / 1000);
    const rateBps = 2_000 + noise(m.seed, key, 7) * 40_000;
    const rxBytes = Math.floor(elapsed * rateBps);
    const txBytes = Math.floor(elapsed * rateBps * 0.6);
    out.push({
      peer,
      link,
      signal,
      chains: [signal - 2 - (hash32(key, 1) % 3), signal - 3 - (hash32(key, 2) % 3)],
      signalAvg: Math.round(raw),
      tx: meshRate(displaySignal(m.seed, key + 1, raw, t)),
      rx: meshRate(displaySignal(m.seed, key + 3, raw, t)),
      throughputKbps: expectedThroughputKbps(raw),
      airtime: airtimeMetric(raw),
      llid: hash32(m.seed, key, link.generation) & 0xffff,
      plid: hash32(m.seed, key ^ 1, link.generation) & 0xffff,
      connectedSec: Math.floor(elapsed),
      inactiveMs: Math.floor(noise(m.seed, key, Math.floor(t / 1000), 3) * 400),
      rxBytes,
      txBytes,
      rxPackets: Math.floor(rxBytes / 610),
      txPackets: Math.floor(txBytes / 540),
      txRetries: Math.floor(txBytes / 540 / 20),
      txFailed: Math.floor(txBytes / 540 / 2000),
    });
  }
  return out.sort((p, q) => (p.peer.macs.mesh < q.peer.macs.mesh ? -1 : 1));
}

export interface PathView {
  dest: SimNode;
  next: SimNode;
  metric: number;
  hops: number;
  sn: number;
  exptime: number;
  dtim: number;
  dret: number;
  flags: number;
  pathChange: number;
}

/** HWMP paths from a node to every reachable mesh node of its site. */
export function pathViews(w: World, node: SimNode, t = w.now): PathView[] {
  const m = w.model;
  const site = m.sites[node.site]!;
  const tables = w.tables(node, t);
  const rt = w.siteRuntime(node);
  const out: PathView[] = [];
  for (const gi of site.nodes) {
    const dest = m.nodes[gi]!;
    const i = node.local * tables.n + dest.local;
    const nl = tables.meshNext[i]!;
    if (gi === node.index || nl < 0) continue;
    const next = m.nodes[site.nodes[nl]!]!;
    const direct = next.index === dest.index;
    out.push({
      dest,
      next,
      metric: tables.meshMetric[i]!,
      hops: tables.meshHops[i]!,
      sn: Math.floor(Math.max(0, t - dest.bootAt) / 4_000) + (hash32(m.seed, gi) % 50),
      exptime: direct ? 0 : 500 + Math.floor(noise(m.seed, i, Math.floor(t / 1000)) * 4_500),
      dtim: 100,
      dret: 0,
      flags: direct ? 0x15 : 0x5,
      pathChange: rt.meshChanges[i]!,
    });
  }
  return out;
}

export interface RouteView {
  prefix: string;
  /** BIRD protocol instance: direct1, static1, rip1, babel1. */
  protocol: string;
  /** Neighbour link-local next hop; null for `dev` routes. */
  via: string | null;
  iface: string;
  preference: number;
  /** RIP hop metric or Babel cost; null for direct/static. */
  metric: number | null;
  since: number;
  /** Babel: the originating router's id. */
  routerId: SimNode | null;
}

function protocolOf(node: SimNode): string {
  return node.routing === "rip" ? "rip1" : "babel1";
}

/** The best next hop through another neighbour than `avoid`, for flapping routes. */
function alternate(w: World, node: SimNode, destLocal: number, avoid: number, t: number): { next: number; metric: number } | null {
  const tables = w.tables(node, t);
  const n = tables.n;
  let best: { next: number; metric: number } | null = null;
  for (let v = 0; v < n; v++) {
    const s = tables.signal[node.local * n + v]!;
    if (v === avoid || Number.isNaN(s)) continue;
    const rest = v === destLocal ? (node.routing === "rip" ? 1 : 0) : tables.routeMetric[v * n + destLocal]!;
    if (rest < 0 || tables.routeNext[v * n + destLocal] === node.local) continue;
    const metric = node.routing === "rip" ? rest + 1 : rest + babelCost(s);
    if (!best || metric < best.metric) best = { next: v, metric };
  }
  return best;
}

/** The routes BIRD would show on a node: own prefix, other nodes' prefixes, default. */
export function routeViews(w: World, node: SimNode, t = w.now): RouteView[] {
  const m = w.model;
  const site = m.sites[node.site]!;
  const tables = w.tables(node, t);
  const rt = w.siteRuntime(node);
  const converged = node.bootAt + 30_000;
  const out: RouteView[] = [];
  const gateway = m.nodes[site.nodes[0]!]!;
  if (node.gateway) {
    out.push({ prefix: "::/0", protocol: "static1", via: "fe80::1", iface: "wan", preference: 200, metric: null, since: converged - 25_000, routerId: null });
  } else if (nodeUp(gateway, t)) {
    learnedRoute(w, node, tables, rt, t, "::/0", gateway, out);
  }
  for (const gi of site.nodes) {
    const dest = m.nodes[gi]!;
    if (gi === node.index) {
      out.push({ prefix: node.prefix, protocol: "direct1", via: null, iface: "br-lan", preference: 240, metric: null, since: node.bootAt + 5_000, routerId: null });
    } else if (nodeUp(dest, t)) {
      learnedRoute(w, node, tables, rt, t, dest.prefix, dest, out);
    }
  }
  return out;
}

/** The route the node learned for `prefix` towards `dest` (none when unreachable), flaps applied. */
function learnedRoute(w: World, node: SimNode, tables: SiteTables, rt: SiteRuntime, t: number, prefix: string, dest: SimNode, out: RouteView[]): void {
  const m = w.model;
  const i = node.local * tables.n + dest.local;
  let next = tables.routeNext[i]!;
  let metric = tables.routeMetric[i]!;
  let since = Math.max(rt.routeChangedAt[i]!, node.bootAt + 30_000 + (hash32(m.seed, node.index, dest.index) % 20_000));
  for (const f of w.flaps) {
    if (f.node !== node.index || f.prefix !== prefix || t < f.startMs) continue;
    const k = Math.floor((t - f.startMs) / f.periodMs);
    if (k >= f.count) continue;
    since = Math.max(since, f.startMs + k * f.periodMs);
    if (k % 2 === 0) {
      const alt = next < 0 ? null : alternate(w, node, dest.local, next, t);
      next = alt?.next ?? -1;
      metric = alt?.metric ?? -1;
    }
  }
  if (next < 0 || metric < 0) return;
  const via = m.nodes[m.sites[node.site]!.nodes[next]!]!;
  out.push({ prefix, protocol: protocolOf(node), via: via.linkLocal.mesh, iface: "mesh0", preference: node.routing === "rip" ? 120 : 130, metric, since, routerId: dest });
}

export interface NeighborView {
  peer: SimNode;
  address: string;
  iface: string;
  /** RIP: interface metric (1); Babel: link cost. */
  metric: number;
  routes: number;
  seenSec: number;
  hellos: number;
  expiresSec: number;
}

/**
 * Routing neighbours (peers with a usable link) and how many routes each provides;
 * `peers` are the node's `peerViews` at `t` when the caller has them already.
 */
export function neighborViews(w: World, node: SimNode, routes: RouteView[], t = w.now, peers: readonly PeerView[] = peerViews(w, node, t)): NeighborView[] {
  const m = w.model;
  const tables = w.tables(node, t);
  const via = new Map<string, number>();
  for (const r of routes) if (r.via !== null) via.set(r.via, (via.get(r.via) ?? 0) + 1);
  return peers.map((p) => {
    const raw = tables.signal[node.local * tables.n + p.peer.local]!;
    const phase = hash32(m.seed, p.link.id, p.peer.index);
    const cost = babelCost(raw);
    return {
      peer: p.peer,
      address: p.peer.linkLocal.mesh,
      iface: "mesh0",
      metric: node.routing === "rip" ? 1 : cost,
      routes: via.get(p.peer.linkLocal.mesh) ?? 0,
      seenSec: ((t + phase) % 30_000) / 1000,
      hellos: Math.max(1, Math.min(16, Math.round((16 * 256) / cost))),
      expiresSec: 6 - ((t + phase) % 4_000) / 1000,
    };
  });
}

export interface ClientView {
  station: SimStation;
  signal: number;
  chains: [number, number];
  signalAvg: number;
  tx: Rate;
  rx: Rate;
  connectedSec: number;
  inactiveMs: number;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  txRetries: number;
  txFailed: number;
}

/** Client stations attached to a node's AP at `t`. */
export function clientViews(w: World, node: SimNode, t = w.now): ClientView[] {
  const m = w.model;
  if (!nodeUp(node, t)) return [];
  const site = m.sites[node.site]!;
  const assoc = w.associations(node, t);
  const out: ClientView[] = [];
  site.stations.forEach((si, k) => {
    if (assoc.ap[k] !== node.index) return;
    const s = m.stations[si]!;
    const p = stationPosition(s, t);
    const d = Math.max(2, Math.hypot(p.x - node.x, p.y - node.y));
    // 2.4 GHz: less path loss than the 5 GHz backhaul.
    const raw = 20 - (40 + 28 * Math.log10(d));
    const key = 0x40000000 + si;
    const signal = displaySignal(m.seed, key, raw, t);
    const elapsed = Math.max(0, (t - assoc.since[k]!) / 1000);
    const rate = 500 + noise(m.seed, key, 9) * 30_000;
    const rxBytes = Math.floor(elapsed * rate);
    const txBytes = Math.floor(elapsed * rate * 3);
    out.push({
      station: s,
      signal,
      chains: [signal - 1 - (hash32(key, 1) % 3), signal - 2 - (hash32(key, 2) % 4)],
      signalAvg: Math.round(raw),
      tx: clientRate(displaySignal(m.seed, key + 1, raw, t), s.shortGi),
      rx: clientRate(displaySignal(m.seed, key + 2, raw, t) - 3, s.shortGi),
      connectedSec: Math.floor(elapsed),
      inactiveMs: Math.floor(noise(m.seed, key, Math.floor(t / 1000), 5) * 3_000),
      rxBytes,
      txBytes,
      rxPackets: Math.floor(rxBytes / 420),
      txPackets: Math.floor(txBytes / 900),
      txRetries: Math.floor(txBytes / 900 / 15),
      txFailed: Math.floor(txBytes / 900 / 3000),
    });
  });
  return out.sort((a, b) => (a.station.mac < b.station.mac ? -1 : 1));
}

/**
 * What one node sees at one time, computed on first use: the commands asked together
 * in a cycle (station dump, routing neighbours, routes) share one computation.
 */
export class NodeViews {
  #peers: PeerView[] | null = null;
  #routes: RouteView[] | null = null;
  #neighbors: NeighborView[] | null = null;

  constructor(
    readonly world: World,
    readonly node: SimNode,
    readonly t: number,
    /** The world's revision these views were made at. */
    readonly revision: number,
  ) {}

  get peers(): PeerView[] {
    return (this.#peers ??= peerViews(this.world, this.node, this.t));
  }

  get routes(): RouteView[] {
    return (this.#routes ??= routeViews(this.world, this.node, this.t));
  }

  get neighbors(): NeighborView[] {
    return (this.#neighbors ??= neighborViews(this.world, this.node, this.routes, this.t, this.peers));
  }
}
