import type { WorldModel } from "./build";
import { airtimeMetric, babelCost, USABLE_SIGNAL_DBM } from "./radio";
import type { SimLink, SimNode, SimSite } from "./types";

/** True unless the node is rebooting at `t`. */
export function nodeUp(n: SimNode, t: number): boolean {
  return !(t >= n.downFrom && t < n.downUntil);
}

/** The link's signal (dBm) at `t` before display noise, or null when there is no usable link. */
export function linkSignal(m: WorldModel, link: SimLink, t: number): number | null {
  if (link.cut) return null;
  const a = m.nodes[link.a]!;
  const b = m.nodes[link.b]!;
  if (!nodeUp(a, t) || !nodeUp(b, t)) return null;
  if (!a.meshId || a.meshChannel !== b.meshChannel || a.meshId !== b.meshId) return null;
  let s = link.baseSignal;
  const o = link.override;
  if (o) {
    const f = o.overMs <= 0 ? 1 : Math.min(1, Math.max(0, (t - o.startMs) / o.overMs));
    s = o.fromSignal + (o.toSignal - o.fromSignal) * f;
  }
  return s >= USABLE_SIGNAL_DBM ? s : null;
}

/**
 * One site's mesh paths (HWMP, airtime metric) and routes (RIP hop count or Babel
 * cost) from every node to every other, indexed `src * n + dst` by site-local index.
 */
export interface SiteTables {
  key: string;
  n: number;
  /** Link signal between site-local nodes (NaN: no usable link). */
  signal: Float64Array;
  meshNext: Int32Array;
  meshMetric: Int32Array;
  meshHops: Int32Array;
  routeNext: Int32Array;
  routeMetric: Int32Array;
}

/** What persists across recomputations of a site: change counters and times. */
export interface SiteRuntime {
  tables: SiteTables | null;
  /** Links of this site with an override in force (degrading or degraded). */
  overridden: Set<number>;
  meshChanges: Int32Array;
  meshChangedAt: Float64Array;
  routeChangedAt: Float64Array;
  lastT: number;
  lastVersion: number;
}

export function newSiteRuntime(site: SimSite): SiteRuntime {
  const n = site.nodes.length;
  return {
    tables: null,
    overridden: new Set(),
    meshChanges: new Int32Array(n * n),
    meshChangedAt: new Float64Array(n * n),
    routeChangedAt: new Float64Array(n * n),
    lastT: Number.NaN,
    lastVersion: -1,
  };
}

function siteKey(m: WorldModel, site: SimSite, rt: SiteRuntime, t: number): string {
  let k = `${site.version}|`;
  for (const i of site.nodes) if (!nodeUp(m.nodes[i]!, t)) k += `${i},`;
  k += "|";
  for (const id of rt.overridden) k += `${id}:${Math.round((linkSignal(m, m.links[id]!, t) ?? -999) * 10)},`;
  return k;
}

/** Dijkstra over a dense matrix; ties go to the lower first hop, so results are stable. */
function shortest(n: number, src: number, weight: Float64Array, next: Int32Array, dist: Float64Array, hops: Int32Array): void {
  const done = new Uint8Array(n);
  const first = new Int32Array(n).fill(-1);
  const d = new Float64Array(n).fill(Infinity);
  const h = new Int32Array(n);
  d[src] = 0;
  for (;;) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!done[i] && d[i]! < Infinity && (u < 0 || d[i]! < d[u]!)) u = i;
    if (u < 0) break;
    done[u] = 1;
    for (let v = 0; v < n; v++) {
      const w = weight[u * n + v]!;
      if (done[v] || !(w > 0)) continue;
      const nd = d[u]! + w;
      const fh = u === src ? v : first[u]!;
      if (nd < d[v]! || (nd === d[v]! && fh < first[v]!)) {
        d[v] = nd;
        first[v] = fh;
        h[v] = h[u]! + 1;
      }
    }
  }
  for (let v = 0; v < n; v++) {
    next[src * n + v] = v === src ? -1 : first[v]!;
    dist[src * n + v] = d[v]!;
    hops[src * n + v] = h[v]!;
  }
}

function compute(m: WorldModel, site: SimSite, t: number, key: string): SiteTables {
  const n = site.nodes.length;
  const signal = new Float64Array(n * n).fill(Number.NaN);
  const airtime = new Float64Array(n * n);
  const routeW = new Float64Array(n * n);
  for (const gi of site.nodes) {
    const a = m.nodes[gi]!;
    for (const id of a.links) {
      const link = m.links[id]!;
      if (link.a !== gi) continue;
      const s = linkSignal(m, link, t);
      if (s === null) continue;
      const b = m.nodes[link.b]!;
      for (const [p, q] of [[a.local, b.local], [b.local, a.local]] as const) {
        signal[p * n + q] = s;
        airtime[p * n + q] = airtimeMetric(s);
        // RIP: hop count first, airtime to break ties; Babel: additive link cost.
        routeW[p * n + q] = site.routing === "rip" ? 1_000_000 + airtimeMetric(s) : babelCost(s);
      }
    }
  }
  const meshNext = new Int32Array(n * n);
  const meshMetric = new Int32Array(n * n);
  const meshHops = new Int32Array(n * n);
  const routeNext = new Int32Array(n * n);
  const routeMetric = new Int32Array(n * n);
  const dist = new Float64Array(n * n);
  const hops = new Int32Array(n * n);
  for (let s = 0; s < n; s++) {
    shortest(n, s, airtime, meshNext, dist, meshHops);
    for (let v = 0; v < n; v++) meshMetric[s * n + v] = Number.isFinite(dist[s * n + v]!) ? dist[s * n + v]! : -1;
    shortest(n, s, routeW, routeNext, dist, hops);
    for (let v = 0; v < n; v++) {
      const d = dist[s * n + v]!;
      // RIP metric = hops + 1 (own prefix announced with 1); 16 = unreachable.
      const metric = !Number.isFinite(d) ? -1 : site.routing === "rip" ? hops[s * n + v]! + 1 : d;
      routeMetric[s * n + v] = site.routing === "rip" && metric >= 16 ? -1 : metric;
      if (routeMetric[s * n + v] === -1) routeNext[s * n + v] = -1;
    }
  }
  return { key, n, signal, meshNext, meshMetric, meshHops, routeNext, routeMetric };
}

/** The site's tables at `t`, recomputed only when the topology changed since the last call. */
export function siteTables(m: WorldModel, site: SimSite, rt: SiteRuntime, t: number): SiteTables {
  if (rt.tables && rt.lastT === t && rt.lastVersion === site.version) return rt.tables;
  rt.lastT = t;
  rt.lastVersion = site.version;
  const key = siteKey(m, site, rt, t);
  if (rt.tables && rt.tables.key === key) return rt.tables;
  const next = compute(m, site, t, key);
  const old = rt.tables;
  if (old) {
    for (let i = 0; i < next.n * next.n; i++) {
      if (old.meshNext[i] !== next.meshNext[i]) {
        if (next.meshNext[i]! >= 0 && old.meshNext[i]! >= 0) rt.meshChanges[i]! += 1;
        rt.meshChangedAt[i] = t;
      }
      if (old.routeNext[i] !== next.routeNext[i] || old.routeMetric[i] !== next.routeMetric[i]) rt.routeChangedAt[i] = t;
    }
  }
  rt.tables = next;
  return next;
}
