import { routeReachable, type NftCounter, type Snapshot } from "@meshfleet/shared";

/**
 * The compact form of one snapshot's samples, stored as one row (`raw_snapshots.data`).
 * Tuples in a fixed order keep the row small (~40% of the same data as objects); the
 * `fmt` column says which layout a row uses. Only what history and the API need is kept.
 */
export const PACK_FORMAT = 1;

/** [iface, mac, signal, signalAvg, txMbps, rxMbps, expectedMbps, inactiveMs, plink, airtimeMetric] */
export type StationTuple = [string, string, N, N, N, N, N, N, string | null, N];
/** [dest, nextHop, iface, metric, hopCount, flags, sn] */
export type PathTuple = [string, string, string, N, N, N, N];
/** [protocol, kind, address, iface, metric, rxcost, txcost, rttMs, seenSec] */
export type NeighborTuple = [string, string, string, string | null, N, N, N, N, N];
/** [prefix, protocol, type, primary 0|1, metric, via, iface, nextHops, unreachable?] — the 9th is `0` only for a retracted route. */
export type RouteTuple = [string, string | null, string | null, 0 | 1, N, string | null, string | null, number, 0?];
/** [key, packets, bytes, packets/s, bytes/s] — rates null on the first sample and after a reset. */
export type CounterTuple = [string, number, number, N, N];
/** [name, type, mac, channel, freqMhz, ssid, meshId] */
export type InterfaceTuple = [string, string | null, string | null, N, N, string | null, string | null];
/** [uptimeSec, load1, memFreeKb, memTotalKb, hostname] */
export type SystemTuple = [N, N, N, N, string | null];
/** [iface, band, channel, freqMhz, widthMhz, txPowerDbm, noiseDbm, busyPct, rxPct, txPct, clients, peers, meshId, type] */
export type RadioTuple = [string, string | null, N, N, N, N, N, N, N, N, number, N, string | null, string | null];
/** [mac, ip, hostname] of a DHCP lease */
export type LeaseTuple = [string, string, string | null];
/** [iface, address] of an address the node holds with global or site scope (its own, not link-local) */
export type AddressTuple = [string, string];
/** [section, code, message] */
export type ErrorTuple = [string, string, string];
type N = number | null;

export interface PackedSnapshot {
  st: StationTuple[];
  mp: PathTuple[];
  nb: NeighborTuple[];
  rt: RouteTuple[];
  ct: CounterTuple[];
  wi: InterfaceTuple[];
  sy: SystemTuple | null;
  er: ErrorTuple[];
  dr: number;
  /** Radio health; absent in rows stored before it existed and from agents that do not send it. */
  rd?: RadioTuple[];
  /** DHCP leases (client hostnames and IPs); absent in older rows and when the node has none. */
  ls?: LeaseTuple[];
  /** The node's own global/site-scope addresses (a diagnostic to the node by name uses one); absent in older rows. */
  ad?: AddressTuple[];
}

/** Stable identity of an nftables counter across snapshots. */
export function counterKey(c: NftCounter): string {
  if (c.kind === "named") return `named:${c.family}:${c.table}:${c.name ?? ""}`;
  const id = c.comment ?? (c.handle === null ? (c.summary ?? "") : `#${c.handle}`);
  return `rule:${c.family}:${c.table}:${c.chain ?? ""}:${id}`;
}

/** The previous cumulative values of a node's counters, to turn counters into rates. */
export interface CounterBase {
  ts: number;
  values: Map<string, [number, number]>;
}

function rate(cur: number, prev: number | undefined, dtMs: number): number | null {
  if (prev === undefined || dtMs <= 0) return null;
  // A counter that went down was reset (reboot, firewall reload): no rate for this step.
  if (cur < prev) return null;
  return Math.round(((cur - prev) * 1000 * 1000) / dtMs) / 1000;
}

export function pack(s: Snapshot, base: CounterBase | null): PackedSnapshot {
  const st: StationTuple[] = (s.stations.data?.stations ?? []).map((x) => [
    x.iface,
    x.mac,
    x.signalDbm,
    x.signalAvgDbm,
    x.txBitrateMbps,
    x.rxBitrateMbps,
    x.expectedThroughputMbps,
    x.inactiveMs,
    x.mesh?.plink ?? null,
    x.mesh?.airtimeMetric ?? null,
  ]);
  const mp: PathTuple[] = (s.meshPaths.data?.paths ?? []).map((p) => [p.dest, p.nextHop, p.iface, p.metric, p.hopCount, p.flags, p.sn]);
  const r = s.routing.data;
  const nb: NeighborTuple[] = (r?.neighbors ?? []).map((n) => [n.protocol, n.kind, n.address, n.iface, n.metric, n.rxcost, n.txcost, n.rttMs, n.seenSec]);
  const rt: RouteTuple[] = (r?.routes ?? []).map((x) => {
    const h = x.nextHops[0];
    const t: RouteTuple = [x.prefix, x.protocol, x.type, x.primary ? 1 : 0, x.metric, h?.via ?? null, h?.iface ?? null, x.nextHops.length];
    if (!routeReachable(x)) t.push(0);
    return t;
  });
  const dt = base ? s.ts - base.ts : 0;
  const ct: CounterTuple[] = (s.counters.data?.counters ?? []).map((c) => {
    const key = counterKey(c);
    const prev = base?.values.get(key);
    return [key, c.packets, c.bytes, rate(c.packets, prev?.[0], dt), rate(c.bytes, prev?.[1], dt)];
  });
  const wi: InterfaceTuple[] = (s.interfaces.data?.interfaces ?? []).map((i) => [i.name, i.type, i.mac, i.channel, i.freqMhz, i.ssid, i.meshId]);
  const sys = s.system.data;
  const sy: SystemTuple | null = sys
    ? [sys.uptimeSec, sys.load?.[0] ?? null, sys.memory?.freeKb ?? null, sys.memory?.totalKb ?? null, sys.hostname]
    : null;
  const er: ErrorTuple[] = [];
  for (const name of ["interfaces", "stations", "meshPaths", "routing", "counters", "system", "wireless"] as const) {
    for (const e of s[name].errors) er.push([name, e.code, e.message]);
  }
  for (const e of s.radios?.errors ?? []) er.push(["radios", e.code, e.message]);
  for (const e of s.leases?.errors ?? []) er.push(["leases", e.code, e.message]);
  const radios = s.radios?.data?.radios;
  const out: PackedSnapshot = { st, mp, nb, rt, ct, wi, sy, er, dr: s.dropped };
  if (radios) {
    out.rd = radios.map((x) => [
      x.iface,
      x.band,
      x.channel,
      x.freqMhz,
      x.widthMhz,
      x.txPowerDbm,
      x.noiseDbm,
      x.utilisation?.busyPct ?? null,
      x.utilisation?.rxPct ?? null,
      x.utilisation?.txPct ?? null,
      x.clients,
      x.peers,
      x.meshId,
      x.type,
    ]);
  }
  const leases = s.leases?.data?.leases;
  if (leases && leases.length > 0) out.ls = leases.map((l) => [l.mac.toLowerCase(), l.ip, l.hostname]);
  const ad = (sys?.addresses ?? []).filter((a) => a.scope === "global" || a.scope === "site").map((a): AddressTuple => [a.iface, a.address.toLowerCase()]);
  if (ad.length > 0) out.ad = ad;
  return out;
}

export function counterBaseOf(ts: number, p: PackedSnapshot): CounterBase {
  return { ts, values: new Map(p.ct.map((c) => [c[0], [c[1], c[2]]])) };
}

export interface PackedCounts {
  stations: number;
  peers: number;
  meshPaths: number;
  neighbors: number;
  routes: number;
  counters: number;
  errors: number;
}

export function countsOf(p: PackedSnapshot): PackedCounts {
  return {
    stations: p.st.length,
    // A mesh peer is a station entry with a peer link state (802.11s).
    peers: p.st.filter((x) => x[8] !== null).length,
    meshPaths: p.mp.length,
    neighbors: p.nb.length,
    // Routes the daemon lists but its protocol retracted are not routes the node has.
    routes: p.rt.filter((x) => x[8] !== 0).length,
    counters: p.ct.length,
    errors: p.er.length,
  };
}

/** The metrics the history API serves, each with what its key names. */
export const HISTORY_METRICS = {
  signal: "station MAC",
  signalAvg: "station MAC",
  txBitrate: "station MAC",
  rxBitrate: "station MAC",
  expectedThroughput: "station MAC",
  pathMetric: "mesh path destination MAC",
  pathHops: "mesh path destination MAC",
  neighborMetric: "routing neighbour address",
  routeMetric: "route prefix (primary route)",
  counterPacketRate: "counter key",
  counterByteRate: "counter key",
  radioBusy: "radio interface (channel busy %)",
  radioRx: "radio interface (channel receive %)",
  radioTx: "radio interface (channel transmit %)",
  radioNoise: "radio interface (noise floor dBm)",
  radioClients: "radio interface (associated clients)",
  radioTxPower: "radio interface (tx power dBm)",
} as const;
export type HistoryMetric = keyof typeof HISTORY_METRICS;
/** The metrics whose key is a MAC (a station or a mesh path destination). */
export const MAC_KEYED_METRICS: ReadonlySet<string> = new Set<HistoryMetric>(["signal", "signalAvg", "txBitrate", "rxBitrate", "expectedThroughput", "pathMetric", "pathHops"]);
export const HISTORY_METRIC_NAMES = Object.keys(HISTORY_METRICS) as HistoryMetric[];

/** Calls `emit(seriesId, value)` for every numeric sample in a packed snapshot; seriesId = `metric|key`. */
export function forEachSample(p: PackedSnapshot, emit: (series: string, value: number) => void): void {
  forEachSampleOf(p, (metric, key, v) => emit(`${metric}|${key}`, v));
}

/** `forEachSample` with the series id's two parts apart (no string built per sample), in the same order. */
export function forEachSampleOf(p: PackedSnapshot, emit: (metric: HistoryMetric, key: string, value: number) => void): void {
  const put = (metric: HistoryMetric, key: string, v: number | null) => {
    if (v !== null && Number.isFinite(v)) emit(metric, key, v);
  };
  for (const s of p.st) {
    put("signal", s[1], s[2]);
    put("signalAvg", s[1], s[3]);
    put("txBitrate", s[1], s[4]);
    put("rxBitrate", s[1], s[5]);
    put("expectedThroughput", s[1], s[6]);
  }
  for (const m of p.mp) {
    put("pathMetric", m[0], m[3]);
    put("pathHops", m[0], m[4]);
  }
  for (const n of p.nb) put("neighborMetric", n[2], n[4]);
  for (const r of p.rt) if (r[3] === 1) put("routeMetric", r[0], r[4]);
  for (const c of p.ct) {
    put("counterPacketRate", c[0], c[3]);
    put("counterByteRate", c[0], c[4]);
  }
  for (const r of p.rd ?? []) {
    put("radioBusy", r[0], r[7]);
    put("radioRx", r[0], r[8]);
    put("radioTx", r[0], r[9]);
    put("radioNoise", r[0], r[6]);
    put("radioClients", r[0], r[10]);
    put("radioTxPower", r[0], r[5]);
  }
}

/** One sample's value for a single series, or null when the snapshot does not have it. */
export function sampleOf(p: PackedSnapshot, metric: HistoryMetric, key: string): number | null {
  const want = `${metric}|${key}`;
  let found: number | null = null;
  forEachSample(p, (series, v) => {
    if (found === null && series === want) found = v;
  });
  return found;
}
