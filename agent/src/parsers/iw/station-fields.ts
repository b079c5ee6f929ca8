import type { MeshPeerInfo, Station } from "@meshfleet/shared";
import { parseBitrate } from "./bitrate";
import { counter, int, shortText, tokens } from "./text";

/**
 * The `name: value` fields of one `iw station dump` block (iw `print_sta_handler`),
 * each turned into the normalised station. A handler returns false when the value is
 * not what iw prints for that field; the line then counts as skipped.
 */
export type Draft = Station;
type Handler = (st: Draft, value: string) => boolean;

export function newStation(iface: string, mac: string): Draft {
  return {
    iface,
    mac,
    signalDbm: null,
    signalAvgDbm: null,
    chainSignalDbm: null,
    txBitrateMbps: null,
    rxBitrateMbps: null,
    txBitrate: null,
    rxBitrate: null,
    expectedThroughputMbps: null,
    inactiveMs: null,
    rxBytes: null,
    txBytes: null,
    rxPackets: null,
    txPackets: null,
    txRetries: null,
    txFailed: null,
    connectedSec: null,
    flags: {},
    mesh: null,
    anomalies: [],
  };
}

const MAX_ANOMALIES = 16;
const MAX_CHAINS = 8;

export function flagAnomaly(st: Draft, what: string): void {
  if (!st.anomalies.includes(what) && st.anomalies.length < MAX_ANOMALIES) st.anomalies.push(what);
}

/** `-52 [-54, -56] dBm`, `-52 dBm`, `-52 [-54] dBm`: the value and the per-chain values. */
export function parseSignal(value: string): { dbm: number; chains: number[] | null } | null {
  const m = /^(-?\d{1,4})[ \t]*(?:\[([^\]]{0,200})\])?[ \t]*(?:dBm)?$/i.exec(value);
  if (!m) return null;
  const dbm = int(m[1]);
  if (dbm === null) return null;
  if (m[2] === undefined) return { dbm, chains: null };
  const chains: number[] = [];
  for (const part of m[2].split(",")) {
    const c = int(part.trim());
    if (c === null) return null;
    chains.push(c);
  }
  return { dbm, chains: chains.length === 0 ? null : chains.slice(0, MAX_CHAINS) };
}

/**
 * `31.218Mbps`. iw prints `%u.%u` of a value in 1/1000 Mbit/s without zero padding,
 * so `2.50Mbps` is 2.050 and `2.5Mbps` is 2.005; up to three fraction digits are read
 * that way, longer ones as a plain decimal.
 */
export function parseThroughput(value: string): number | null {
  const m = /^(\d{1,10})(?:\.(\d{1,12}))?[ \t]*Mbps$/i.exec(value);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = m[2];
  if (frac === undefined) return whole;
  if (frac.length <= 3) return Math.round((whole + Number(frac) / 1000) * 1000) / 1000;
  return Number(`${m[1]}.${frac}`);
}

/** `<n> <unit>` with the unit iw prints for the field. */
function withUnit(value: string, unit: RegExp): number | null {
  const t = tokens(value);
  if (t.length === 0 || t.length > 2 || (t.length === 2 && !unit.test(t[1] as string))) return null;
  const m = /^(\d{1,20})([a-z]*)$/i.exec(t[0] as string);
  if (!m) return null;
  if (m[2] !== "" && (t.length === 2 || !unit.test(m[2] as string))) return null;
  return counter(m[1]);
}

function plainCounter(value: string): number | null {
  const t = tokens(value);
  return t.length === 1 ? counter(t[0]) : null;
}

function yesNo(value: string): boolean | string {
  const v = value.toLowerCase();
  return v === "yes" ? true : v === "no" ? false : shortText(value);
}

function mesh(st: Draft): MeshPeerInfo {
  st.mesh ??= { plink: null, llid: null, plid: null, localPs: null, peerPs: null, airtimeMetric: null, connectedToGate: null };
  return st.mesh;
}

function setCounter(key: "rxBytes" | "txBytes" | "rxPackets" | "txPackets" | "txRetries" | "txFailed"): Handler {
  return (st, v) => {
    const n = plainCounter(v);
    if (n !== null) st[key] = n;
    return n !== null;
  };
}

function setSignal(st: Draft, v: string, avg: boolean): boolean {
  const s = parseSignal(v);
  if (!s) return false;
  if (avg) st.signalAvgDbm = s.dbm;
  else {
    st.signalDbm = s.dbm;
    st.chainSignalDbm = s.chains;
  }
  if (s.dbm > 0) flagAnomaly(st, "positive_signal");
  return true;
}

function setBitrate(dir: "tx" | "rx"): Handler {
  return (st, v) => {
    const parsedRate = parseBitrate(v);
    if (!parsedRate) return false;
    // `(unknown)` with nothing else: iw knows no rate, so neither do we.
    const b = parsedRate.mbps === null && parsedRate.mcs === null ? null : parsedRate;
    const mbps = b === null ? null : b.mbps;
    if (dir === "tx") {
      st.txBitrate = b;
      st.txBitrateMbps = mbps;
    } else {
      st.rxBitrate = b;
      st.rxBitrateMbps = mbps;
    }
    return true;
  };
}

function setMeshInt(key: "llid" | "plid" | "airtimeMetric"): Handler {
  return (st, v) => {
    const n = int(tokens(v).length === 1 ? v.trim() : undefined);
    if (n === null || n < 0) return false;
    mesh(st)[key] = n;
    return true;
  };
}

function setMeshText(key: "plink" | "localPs" | "peerPs"): Handler {
  return (st, v) => {
    if (v === "") return false;
    mesh(st)[key] = shortText(v);
    return true;
  };
}

const recognised: Handler = () => true;

/** Fields kept in `flags` under their iw name (`yes`/`no` become booleans). */
const FLAG_KEYS = [
  "authorized",
  "authenticated",
  "associated",
  "preamble",
  "WMM/WME",
  "MFP",
  "TDLS peer",
  "short slot time",
  "short preamble",
  "CTS protection",
  "mesh non-peer PS mode",
  "mesh connected to auth server",
];

/** Fields iw prints that the normalised station does not carry (recognised, not skipped). */
const KNOWN_OTHER = [
  "beacon loss",
  "beacon rx",
  "rx drop misc",
  "beacon signal avg",
  "Toffset",
  "tx duration",
  "rx duration",
  "last ack signal",
  "avg ack signal",
  "ack signal",
  "airtime weight",
  "DTIM period",
  "beacon interval",
  "associated at [boottime]",
  "associated at",
  "current time",
  "station flags",
];

export const FIELDS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ["inactive time", number((st, n) => (st.inactiveMs = n), (v) => safe(withUnit(v, /^ms$/i)))],
  ["connected time", number((st, n) => (st.connectedSec = n), (v) => withUnit(v, /^seconds?$/i))],
  ["rx bytes", setCounter("rxBytes")],
  ["tx bytes", setCounter("txBytes")],
  ["rx packets", setCounter("rxPackets")],
  ["tx packets", setCounter("txPackets")],
  ["tx retries", setCounter("txRetries")],
  ["tx failed", setCounter("txFailed")],
  ["signal", (st, v) => setSignal(st, v, false)],
  ["signal avg", (st, v) => setSignal(st, v, true)],
  ["tx bitrate", setBitrate("tx")],
  ["rx bitrate", setBitrate("rx")],
  ["expected throughput", number((st, n) => (st.expectedThroughputMbps = n), parseThroughput)],
  ["mesh llid", setMeshInt("llid")],
  ["mesh plid", setMeshInt("plid")],
  ["mesh airtime link metric", setMeshInt("airtimeMetric")],
  ["mesh plink", setMeshText("plink")],
  ["mesh local PS mode", setMeshText("localPs")],
  ["mesh peer PS mode", setMeshText("peerPs")],
  [
    "mesh connected to gate",
    (st, v) => {
      const f = yesNo(v);
      if (typeof f !== "boolean") return false;
      mesh(st).connectedToGate = f;
      return true;
    },
  ],
  ...FLAG_KEYS.map((k): [string, Handler] => [
    k,
    (st, v) => {
      if (v === "") return false;
      st.flags[k] = yesNo(v);
      return true;
    },
  ]),
  ...KNOWN_OTHER.map((k): [string, Handler] => [k, recognised]),
]);

/** A handler that stores a parsed number, leaving an earlier value alone when this one is garbage. */
function number(set: (st: Draft, n: number) => void, read: (v: string) => number | null): Handler {
  return (st, v) => {
    const n = read(v);
    if (n !== null) set(st, n);
    return n !== null;
  };
}

function safe(n: number | null): number | null {
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/**
 * Fields of a Wi-Fi 7 MLO `Link N:` section, kept per link in `flags`
 * (`link0.address`, `link0.signalDbm`, `link0.txBitrateMbps`, ...); the station's own
 * values stay the per-station ones printed before the links.
 */
export function linkField(st: Draft, link: number, key: string, value: string): boolean {
  const at = `link${link}.`;
  if (key === "address") {
    if (value === "") return false;
    st.flags[`${at}address`] = value.toLowerCase().slice(0, 64);
    return true;
  }
  if (key === "signal" || key === "signal avg") {
    const s = parseSignal(value);
    if (!s) return false;
    st.flags[`${at}${key === "signal" ? "signalDbm" : "signalAvgDbm"}`] = String(s.dbm);
    return true;
  }
  if (key === "tx bitrate" || key === "rx bitrate") {
    const b = parseBitrate(value);
    if (!b) return false;
    if (b.mbps !== null) st.flags[`${at}${key === "tx bitrate" ? "txBitrateMbps" : "rxBitrateMbps"}`] = String(b.mbps);
    return true;
  }
  return FIELDS.has(key);
}
