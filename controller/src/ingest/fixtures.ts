import { PROTOCOL_VERSION, type Hello, type Snapshot } from "@meshfleet/shared";

/**
 * Builders of valid wire messages for tests and benchmarks (the controller's tests never
 * depend on the agent). Values are deterministic functions of the options.
 */
export interface SnapshotProfile {
  stations: number;
  meshPaths: number;
  routes: number;
  counters: number;
  neighbors: number;
}

export const BENCH_PROFILE: SnapshotProfile = { stations: 20, meshPaths: 10, routes: 20, counters: 10, neighbors: 2 };

/** A MAC derived from a node index and a slot: 02:00:NN:NN:SS:00. */
export function macOf(nodeIndex: number, slot = 0): string {
  const h = (n: number) => n.toString(16).padStart(2, "0");
  return `02:00:${h((nodeIndex >> 8) & 255)}:${h(nodeIndex & 255)}:${h(slot & 255)}:00`;
}

export interface SnapshotOptions {
  node: string;
  boot?: string;
  seq: number;
  ts: number;
  intervalMs?: number;
  profile?: Partial<SnapshotProfile>;
  /** Signal of every station (default -50 - station index). */
  signal?: number | ((station: number) => number);
  /** Cumulative counter base; counters grow by 1000 bytes per seq by default. */
  counterBytes?: (counter: number) => number;
  /** MAC of each (non-peer) station; default `0a:11:22:33:HH:LL`, the same on every node. */
  stationMac?: (station: number) => string;
  /** Mesh peers as explicit MACs (stations 0..n-1 become mesh peers with these MACs). */
  peers?: string[];
  /** Mesh paths as [dest, nextHop] pairs (replace the generated ones). */
  paths?: [string, string][];
  dropped?: number;
}

export function buildSnapshot(o: SnapshotOptions): Snapshot {
  const p = { ...BENCH_PROFILE, ...o.profile };
  const peers = o.peers ?? [];
  const signalOf = (i: number) => (typeof o.signal === "function" ? o.signal(i) : (o.signal ?? -50 - i));
  const stations = Array.from({ length: Math.max(p.stations, peers.length) }, (_, i) => {
    const isPeer = i < peers.length;
    return {
      iface: isPeer ? "mesh0" : "wlan0",
      mac: isPeer ? peers[i]! : o.stationMac ? o.stationMac(i) : `0a:11:22:33:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`,
      signalDbm: signalOf(i),
      signalAvgDbm: signalOf(i) - 1,
      chainSignalDbm: [signalOf(i), signalOf(i) - 2],
      txBitrateMbps: 300 + i,
      rxBitrateMbps: 200 + i,
      txBitrate: { mbps: 300 + i, mode: "vht" as const, mcs: 9, nss: 2, widthMhz: 80, shortGi: false },
      rxBitrate: null,
      expectedThroughputMbps: 150 + i,
      inactiveMs: 10 * i,
      rxBytes: 1000 * o.seq,
      txBytes: 2000 * o.seq,
      rxPackets: o.seq,
      txPackets: o.seq,
      txRetries: 0,
      txFailed: 0,
      connectedSec: o.seq * 10,
      flags: { authorized: true, associated: true, WMM: true },
      mesh: isPeer ? { plink: "ESTAB", llid: 1, plid: 2, localPs: "ACTIVE", peerPs: "ACTIVE", airtimeMetric: 100 + i, connectedToGate: false } : null,
      anomalies: [],
    };
  });
  const pathPairs: [string, string][] =
    o.paths ?? Array.from({ length: p.meshPaths }, (_, i) => [`0a:aa:00:00:00:${i.toString(16).padStart(2, "0")}`, `0a:aa:00:00:00:${i.toString(16).padStart(2, "0")}`]);
  const meshPaths = pathPairs.map(([dest, nextHop], i) => ({
    dest,
    nextHop,
    iface: "mesh0",
    sn: 100 + o.seq,
    metric: 200 + i * 10,
    qlen: 0,
    exptime: 4000,
    dtim: 0,
    dret: 0,
    flags: 0x15,
    hopCount: dest === nextHop ? 1 : 2,
    pathChange: 0,
  }));
  const neighbors = Array.from({ length: p.neighbors }, (_, i) => ({
    protocol: "babel1",
    kind: "babel" as const,
    address: `fe80::${(i + 1).toString(16)}`,
    iface: "mesh0",
    metric: 96 + i,
    routes: 3,
    seenSec: null,
    helloSec: 4,
    expiresSec: 5,
    rttMs: 1.5,
    rxcost: 96,
    txcost: 96,
    reach: "ffff",
    auth: null,
  }));
  const routes = Array.from({ length: p.routes }, (_, i) => ({
    prefix: `fd00:${i.toString(16)}::/64`,
    protocol: "babel1",
    type: "unicast",
    primary: true,
    preference: 130,
    metric: 96 * (1 + (i % 3)),
    nextHops: [{ via: "fe80::1", iface: "mesh0", weight: 1 }],
    table: "master6",
    since: "09:00:00",
  }));
  const counters = Array.from({ length: p.counters }, (_, i) => ({
    kind: "rule" as const,
    family: "inet",
    table: "fw4",
    chain: "input_wan",
    name: null,
    comment: `!fw4: rule-${i}`,
    handle: 100 + i,
    packets: o.seq * (i + 1),
    bytes: o.counterBytes ? o.counterBytes(i) : o.seq * 1000 * (i + 1),
    summary: "udp dport 521 accept",
  }));
  const ok = <T>(data: T) => ({ data, errors: [], skipped: 0 });
  return {
    type: "snapshot",
    v: PROTOCOL_VERSION,
    node: o.node,
    boot: o.boot ?? "boot-0001",
    seq: o.seq,
    ts: o.ts,
    intervalMs: o.intervalMs ?? 10_000,
    dropped: o.dropped ?? 0,
    interfaces: ok({
      interfaces: [
        { name: "mesh0", phy: "phy0", ifindex: 5, type: "mesh point", mac: macOf(0), ssid: null, meshId: "mf-mesh", channel: 36, freqMhz: 5180, widthMhz: 80, centerFreq1Mhz: 5210, txPowerDbm: 20 },
      ],
    }),
    stations: ok({ stations }),
    meshPaths: ok({ paths: meshPaths }),
    routing: ok({ daemon: "bird2" as const, protocols: [], interfaces: [], neighbors, routes }),
    counters: ok({ counters }),
    system: ok({
      hostname: o.node,
      board: null,
      uptimeSec: 1000 + o.seq * 10,
      load: [0.1, 0.2, 0.3] as [number, number, number],
      memory: { totalKb: 125000, freeKb: 60000, availableKb: 80000 },
      addresses: [],
      delegatedPrefixes: [],
    }),
    wireless: ok(null),
  };
}

export interface HelloOptions {
  node: string;
  boot?: string;
  ts: number;
  macs?: string[];
  linkLocal?: string[];
  intervalMs?: number;
}

export function buildHello(o: HelloOptions): Hello {
  return {
    type: "hello",
    v: PROTOCOL_VERSION,
    node: o.node,
    boot: o.boot ?? "boot-0001",
    ts: o.ts,
    agentVersion: "0.1.0",
    protocolVersion: PROTOCOL_VERSION,
    capabilities: ["stations", "mesh-paths", "bird", "nft"],
    intervalMs: o.intervalMs ?? 10_000,
    mode: "simulated",
    hostname: o.node,
    board: {
      hostname: o.node,
      model: "GL.iNet GL-MT6000",
      boardName: "glinet,gl-mt6000",
      kernel: "5.15.150",
      system: "ARMv8",
      release: { distribution: "OpenWrt", version: "23.05.3", revision: "r23809", target: "mediatek/filogic", description: "OpenWrt 23.05.3" },
    },
    interfaces: (o.macs ?? []).map((mac, i) => ({ name: i === 0 ? "mesh0" : `wlan${i}`, mac, linkLocal: i === 0 ? (o.linkLocal ?? []) : [], wireless: true })),
    tags: [],
  };
}
