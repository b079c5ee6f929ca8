import { channelFreq } from "./radio";
import { noise } from "./random";
import { nodeUp } from "./topology";
import type { SimNode } from "./types";
import type { World } from "./world";

/**
 * Channel survey of the simulated radios: how busy each node's channel is follows its
 * world — the 5 GHz mesh channel gets busier with every mesh peer, the 2.4 GHz AP
 * channel with every associated client and every neighbouring AP on the same channel
 * that is loud enough to be heard (with its clients) —
 * plus scripted interference (busy time nobody decodes, and a raised noise floor).
 * Counters are cumulative since the node booted (a reboot resets them, as a driver
 * reload does), advanced at each reading with the load of that moment.
 */

export type SurveyIface = "mesh0" | "wlan0";

/** Scripted interference on one node's radio (both bands). */
export interface Interference {
  node: number;
  from: number;
  until: number;
  /** Extra busy share (0..1) of the channel's time. */
  busy: number;
  /** Noise floor increase (dB). */
  noiseDb: number;
}

interface Acc {
  boot: number;
  t: number;
  active: number;
  busy: number;
  rx: number;
  tx: number;
}

const memos = new WeakMap<World, Map<string, Acc>>();
const interference = new WeakMap<World, Interference[]>();

export function addInterference(w: World, i: Interference): void {
  let list = interference.get(w);
  if (!list) interference.set(w, (list = []));
  list.push(i);
}

function interferenceAt(w: World, node: SimNode, t: number): { busy: number; noiseDb: number } {
  let busy = 0;
  let noiseDb = 0;
  for (const i of interference.get(w) ?? []) {
    if (i.node !== node.index || t < i.from || t >= i.until) continue;
    busy += i.busy;
    noiseDb += i.noiseDb;
  }
  return { busy, noiseDb };
}

/** 2.4 GHz carries about this many dB further than the 5 GHz signal of the same pair of nodes (free-space loss, 20·log10(5.2/2.4)). */
const BAND_24_GAIN_DB = 7;
/** A Wi-Fi preamble is detected (and the channel counted busy) from about this level: quieter transmitters do not count. */
const PREAMBLE_DETECT_DBM = -82;
/** Airtime demand (share of channel time) of one AP's beacons and management frames, and of one associated client. */
const AP_DEMAND = 0.04;
const CLIENT_DEMAND = 0.04;
/** A same-channel neighbour AP is heard for its beacons and the part of its clients' traffic within range. */
const NEIGHBOUR_AP_DEMAND = 0.02;
const NEIGHBOUR_CLIENT_DEMAND = 0.02;
/** A mesh peer's beacons, path and routing protocol frames and forwarded traffic. */
const MESH_BASE_DEMAND = 0.04;
const MESH_PEER_DEMAND = 0.07;

/**
 * Busy share from airtime demand: transmitters overlap and defer to each other, so the
 * busy share grows with demand but flattens out instead of adding up past the channel
 * (1 - e^-demand: 0.3 -> 26 %, 0.6 -> 45 %, 1.0 -> 63 %). What real routers report: a
 * home 2.4 GHz channel with a few clients and neighbours 20-60 % busy; 70 % and more
 * only where something extra occupies it (interference, a saturating neighbour).
 */
export function busyShare(demand: number): number {
  return 1 - Math.exp(-Math.max(0, demand));
}

/** How loud a neighbouring node's 2.4 GHz AP is at `node` (0: below preamble detection, 1: clearly heard). */
function audibility(baseSignal5g: number): number {
  return Math.min(1, Math.max(0, (baseSignal5g + BAND_24_GAIN_DB - PREAMBLE_DETECT_DBM) / 10));
}

/** The share of channel time (0..1) that is busy, receiving and transmitting at `t`, and the noise floor. */
export function surveyLoad(w: World, node: SimNode, iface: SurveyIface, t: number): { busy: number; rx: number; tx: number; noiseDbm: number } {
  const m = w.model;
  const jitter = (noise(m.seed, node.index, Math.floor(t / 10_000), iface === "mesh0" ? 11 : 12) - 0.5) * 0.04;
  const extra = interferenceAt(w, node, t);
  let demand: number;
  if (iface === "mesh0") {
    const peers = node.meshId ? w.viewsAt(node, t).peers.length : 0;
    demand = MESH_BASE_DEMAND + MESH_PEER_DEMAND * peers;
  } else {
    const assoc = w.associations(node, t);
    const clients = new Map<number, number>();
    for (let k = 0; k < assoc.ap.length; k++) clients.set(assoc.ap[k]!, (clients.get(assoc.ap[k]!) ?? 0) + 1);
    demand = AP_DEMAND + CLIENT_DEMAND * (clients.get(node.index) ?? 0);
    for (const id of node.links) {
      const l = m.links[id]!;
      const other = m.nodes[l.a === node.index ? l.b : l.a]!;
      if (other.apChannel !== node.apChannel || !nodeUp(other, t)) continue;
      demand += audibility(l.baseSignal) * (NEIGHBOUR_AP_DEMAND + NEIGHBOUR_CLIENT_DEMAND * (clients.get(other.index) ?? 0));
    }
  }
  const traffic = Math.max(0.01, busyShare(demand) + jitter);
  const busy = Math.min(0.97, traffic + extra.busy);
  const decoded = Math.min(traffic, busy);
  const base = iface === "mesh0" ? -95 : -92;
  const noiseDbm = Math.round(base + extra.noiseDb + (noise(m.seed, node.index, Math.floor(t / 30_000), 13) < 0.5 ? 0 : -1));
  return { busy, rx: decoded * 0.62, tx: decoded * 0.25, noiseDbm };
}

/** Cumulative survey counters (ms) of one radio at `t`. */
export function surveyCounters(w: World, node: SimNode, iface: SurveyIface, t: number): { active: number; busy: number; rx: number; tx: number } {
  let memo = memos.get(w);
  if (!memo) memos.set(w, (memo = new Map()));
  const key = `${node.index}/${iface}`;
  const load = surveyLoad(w, node, iface, t);
  // The radio comes up a few seconds after boot; its counters start then.
  const start = node.bootAt + 3_000;
  let acc = memo.get(key);
  if (!acc || acc.boot !== node.bootAt || t < acc.t) {
    const active = Math.max(0, t - start);
    acc = { boot: node.bootAt, t, active, busy: active * load.busy, rx: active * load.rx, tx: active * load.tx };
  } else if (t > acc.t) {
    const dt = t - Math.max(acc.t, start);
    if (dt > 0) acc = { boot: acc.boot, t, active: acc.active + dt, busy: acc.busy + dt * load.busy, rx: acc.rx + dt * load.rx, tx: acc.tx + dt * load.tx };
  }
  memo.set(key, acc);
  return { active: Math.floor(acc.active), busy: Math.floor(acc.busy), rx: Math.floor(acc.rx), tx: Math.floor(acc.tx) };
}

/**
 * `iw dev IF survey dump` as iw prints it on OpenWrt (with `channel BSS receive time`):
 * the in-use channel with its counters, then the neighbouring channel with the few
 * milliseconds the boot-time scan spent there.
 */
export function renderSurveyDump(w: World, node: SimNode, iface: SurveyIface, t: number): string {
  const channel = iface === "mesh0" ? node.meshChannel : node.apChannel;
  const c = surveyCounters(w, node, iface, t);
  const load = surveyLoad(w, node, iface, t);
  const freq = channelFreq(channel);
  const other = channelFreq(iface === "mesh0" ? (channel === 36 ? 40 : 36) : channel === 1 ? 6 : 1);
  const block = (f: number, inUse: boolean, n: number, a: number, b: number, r: number, x: number) =>
    `Survey data from ${iface}\n\tfrequency:\t\t\t${f} MHz${inUse ? " [in use]" : ""}\n\tnoise:\t\t\t\t${n} dBm\n` +
    `\tchannel active time:\t\t${a} ms\n\tchannel busy time:\t\t${b} ms\n\tchannel receive time:\t\t${r} ms\n` +
    `\tchannel BSS receive time:\t${Math.floor(r * 0.8)} ms\n\tchannel transmit time:\t\t${x} ms\n`;
  const inUse = block(freq, true, load.noiseDbm, c.active, c.busy, c.rx, c.tx);
  const scan = block(other, false, load.noiseDbm - 1, 112, 23 + (node.index % 17), 9 + (node.index % 5), 0);
  return freq < other ? inUse + scan : scan + inUse;
}
