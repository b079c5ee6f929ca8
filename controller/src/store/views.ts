import type { MeshPath, MeshPeerInfo, NextHop, Route, RoutingNeighbor, Station } from "@meshfleet/shared";
import type { PackedSnapshot } from "./pack";

/*
 * Normalised (object) views of a packed snapshot, as the API serves them: the fields of
 * the wire records (@meshfleet/shared, the one definition of each) that the API shows,
 * plus what the controller adds (the fleet node owning a MAC or address, counts).
 */
export type StationView = Pick<Station, "iface" | "mac" | "signalDbm" | "signalAvgDbm" | "txBitrateMbps" | "rxBitrateMbps" | "expectedThroughputMbps" | "inactiveMs"> & {
  meshPlink: MeshPeerInfo["plink"];
  airtimeMetric: MeshPeerInfo["airtimeMetric"];
  /** The fleet node owning this MAC (hello), when known. */
  node: string | null;
};
export type MeshPathView = Pick<MeshPath, "dest" | "nextHop" | "iface" | "metric" | "hopCount" | "flags" | "sn"> & { destNode: string | null; nextHopNode: string | null };
export type NeighborView = Pick<RoutingNeighbor, "protocol" | "kind" | "address" | "iface" | "metric" | "rxcost" | "txcost" | "rttMs" | "seenSec"> & { node: string | null };
export type RouteView = Pick<Route, "prefix" | "protocol" | "type" | "primary" | "metric"> & {
  via: NextHop["via"];
  iface: NextHop["iface"];
  nextHops: number;
  /** False for a route the daemon lists but that its routing protocol retracted (see the shared `route.reachable`). */
  reachable: boolean;
};
export interface CounterView {
  key: string;
  packets: number;
  bytes: number;
  packetsPerSec: number | null;
  bytesPerSec: number | null;
}
export interface InterfaceView {
  name: string;
  type: string | null;
  mac: string | null;
  channel: number | null;
  freqMhz: number | null;
  ssid: string | null;
  meshId: string | null;
}
export interface SystemView {
  uptimeSec: number | null;
  load1: number | null;
  memFreeKb: number | null;
  memTotalKb: number | null;
  hostname: string | null;
}

export interface RadioView {
  iface: string;
  type: string | null;
  band: string | null;
  channel: number | null;
  freqMhz: number | null;
  widthMhz: number | null;
  txPowerDbm: number | null;
  noiseDbm: number | null;
  busyPct: number | null;
  rxPct: number | null;
  txPct: number | null;
  clients: number;
  peers: number | null;
  meshId: string | null;
}

export type Resolve = (key: string) => string | null;
const none: Resolve = () => null;

export const views = {
  stations: (p: PackedSnapshot, mac: Resolve = none): StationView[] =>
    p.st.map((s) => ({
      iface: s[0],
      mac: s[1],
      signalDbm: s[2],
      signalAvgDbm: s[3],
      txBitrateMbps: s[4],
      rxBitrateMbps: s[5],
      expectedThroughputMbps: s[6],
      inactiveMs: s[7],
      meshPlink: s[8],
      airtimeMetric: s[9],
      node: mac(s[1]),
    })),
  meshPaths: (p: PackedSnapshot, mac: Resolve = none): MeshPathView[] =>
    p.mp.map((m) => ({
      dest: m[0],
      nextHop: m[1],
      iface: m[2],
      metric: m[3],
      hopCount: m[4],
      flags: m[5],
      sn: m[6],
      destNode: mac(m[0]),
      nextHopNode: mac(m[1]),
    })),
  neighbors: (p: PackedSnapshot, address: Resolve = none): NeighborView[] =>
    p.nb.map((n) => ({
      protocol: n[0],
      kind: n[1] as RoutingNeighbor["kind"],
      address: n[2],
      iface: n[3],
      metric: n[4],
      rxcost: n[5],
      txcost: n[6],
      rttMs: n[7],
      seenSec: n[8],
      node: address(n[2]),
    })),
  routes: (p: PackedSnapshot): RouteView[] =>
    p.rt.map((r) => ({
      prefix: r[0],
      protocol: r[1],
      type: r[2],
      primary: r[3] === 1,
      metric: r[4],
      via: r[5],
      iface: r[6],
      nextHops: r[7],
      reachable: r[8] !== 0,
    })),
  counters: (p: PackedSnapshot): CounterView[] =>
    p.ct.map((c) => ({ key: c[0], packets: c[1], bytes: c[2], packetsPerSec: c[3], bytesPerSec: c[4] })),
  interfaces: (p: PackedSnapshot): InterfaceView[] =>
    p.wi.map((i) => ({ name: i[0], type: i[1], mac: i[2], channel: i[3], freqMhz: i[4], ssid: i[5], meshId: i[6] })),
  system: (p: PackedSnapshot): SystemView | null =>
    p.sy ? { uptimeSec: p.sy[0], load1: p.sy[1], memFreeKb: p.sy[2], memTotalKb: p.sy[3], hostname: p.sy[4] } : null,
  radios: (p: PackedSnapshot): RadioView[] =>
    (p.rd ?? []).map((r) => ({
      iface: r[0],
      type: r[13],
      band: r[1],
      channel: r[2],
      freqMhz: r[3],
      widthMhz: r[4],
      txPowerDbm: r[5],
      noiseDbm: r[6],
      busyPct: r[7],
      rxPct: r[8],
      txPct: r[9],
      clients: r[10],
      peers: r[11],
      meshId: r[12],
    })),
  errors: (p: PackedSnapshot) => p.er.map((e) => ({ section: e[0], code: e[1], message: e[2] })),
};
