import { PROTOCOL_VERSION, type MeshPath, type NftCounter, type Route, type RoutingNeighbor, type Snapshot, type Station } from "@meshfleet/shared";

/** Small builders for detector tests (values not given are null, as parsers leave them). */
export function route(prefix: string, via: string | null, o: { iface?: string; metric?: number; protocol?: string; primary?: boolean } = {}): Route {
  return {
    prefix,
    protocol: o.protocol ?? "rip1",
    type: "unicast",
    primary: o.primary ?? true,
    preference: 120,
    metric: o.metric ?? 2,
    nextHops: [{ via, iface: o.iface ?? "eth0", weight: null }],
    table: "master6",
    since: null,
  };
}

export function neighbor(address: string, iface: string, kind: "rip" | "babel" = "rip"): RoutingNeighbor {
  return { protocol: kind === "rip" ? "rip1" : "babel1", kind, address, iface, metric: 1, routes: 1, seenSec: 1, helloSec: null, expiresSec: null, rttMs: null, rxcost: null, txcost: null, reach: null, auth: null };
}

export function mpath(dest: string, nextHop: string, metric: number | null = 100, iface = "wlan1"): MeshPath {
  return { dest, nextHop, iface, sn: 1, metric, qlen: 0, exptime: 1000, dtim: 100, dret: 0, flags: 0x5, hopCount: null, pathChange: null };
}

export function station(mac: string, o: { iface?: string; plink?: string | null; signal?: number | null; tput?: number | null } = {}): Station {
  const mesh = o.plink === undefined ? null : { plink: o.plink, llid: 1, plid: 2, localPs: null, peerPs: null, airtimeMetric: null, connectedToGate: null };
  return {
    iface: o.iface ?? (mesh ? "mesh0" : "wlan0"),
    mac,
    signalDbm: o.signal ?? -50,
    signalAvgDbm: null,
    chainSignalDbm: null,
    txBitrateMbps: null,
    rxBitrateMbps: null,
    txBitrate: null,
    rxBitrate: null,
    expectedThroughputMbps: o.tput === undefined ? 100 : o.tput,
    inactiveMs: null,
    rxBytes: null,
    txBytes: null,
    rxPackets: null,
    txPackets: null,
    txRetries: null,
    txFailed: null,
    connectedSec: null,
    flags: {},
    mesh,
    anomalies: [],
  };
}

const sec = <T>(data: T | null) => ({ data, errors: [], skipped: 0 });

export interface SnapOptions {
  node: string;
  ts: number;
  seq?: number;
  boot?: string;
  intervalMs?: number;
  routes?: Route[] | null;
  neighbors?: RoutingNeighbor[];
  paths?: MeshPath[] | null;
  stations?: Station[] | null;
  delegated?: string[];
  uptimeSec?: number;
  counters?: NftCounter[];
}

/** A fw4 rule counter with its summary. */
export function acceptRule(port: number, packets = 0): NftCounter {
  return { kind: "rule", family: "inet", table: "fw4", chain: "input_wan", name: null, comment: `!fw4: Allow-${port}`, handle: port, packets, bytes: packets * 80, summary: `meta nfproto ipv6 udp dport ${port} ip6 saddr fe80::/10 accept` };
}

/** A valid snapshot with the given routing/mesh/station data (null: that collector failed). */
export function snap(o: SnapOptions): Snapshot {
  return {
    type: "snapshot",
    v: PROTOCOL_VERSION,
    node: o.node,
    boot: o.boot ?? "boot-0001",
    seq: o.seq ?? 1,
    ts: o.ts,
    intervalMs: o.intervalMs ?? 10_000,
    dropped: 0,
    interfaces: sec({ interfaces: [] }),
    stations: sec(o.stations === null ? null : { stations: o.stations ?? [] }),
    meshPaths: sec(o.paths === null ? null : { paths: o.paths ?? [] }),
    routing: sec(o.routes === null ? null : { daemon: "bird2" as const, protocols: [], interfaces: [], neighbors: o.neighbors ?? [], routes: o.routes ?? [] }),
    counters: sec({ counters: o.counters ?? [] }),
    system: sec({ hostname: o.node, board: null, uptimeSec: o.uptimeSec ?? 100, load: null, memory: null, addresses: [], delegatedPrefixes: o.delegated ?? [] }),
    wireless: sec(null),
  };
}
