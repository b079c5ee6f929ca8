import { notFormat, parsed, type ParseOutcome } from "../types";
import { MAX_LINE, macText, splitLines } from "./text";

/** One network (BSS) a scan heard. */
export interface ScanBss {
  bssid: string;
  iface: string;
  /** `-- associated` (or joined) after the BSS line: the interface is connected to it. */
  associated: boolean;
  freqMhz: number | null;
  /** From the DS parameter set or the HT primary channel, else derived from the frequency. */
  channel: number | null;
  /** 20/40/80/160 from the HT/VHT operation elements, when printed. */
  widthMhz: number | null;
  signalDbm: number | null;
  lastSeenMs: number | null;
  /** Null for a hidden network (empty SSID). */
  ssid: string | null;
  meshId: string | null;
  /** open, wep (privacy without RSN/WPA), wpa, wpa2 (RSN PSK/802.1X), wpa3 (RSN SAE/OWE only). */
  security: "open" | "wep" | "wpa" | "wpa2" | "wpa3" | "wpa2/wpa3";
  /** 802.11r: an FT authentication suite is offered. */
  ft: boolean;
}

/** Networks heard on one channel. */
export interface ScanChannel {
  freqMhz: number;
  channel: number | null;
  networks: number;
  strongestDbm: number | null;
}

export interface ScanResult {
  bss: ScanBss[];
  channels: ScanChannel[];
}

const BSS = /^BSS[ \t]+([0-9A-Fa-f:x*]{11,17})[ \t]*\(on[ \t]+([^)\s]{1,64})\)(?:[ \t]*--[ \t]*(associated|authenticated|joined))?/;
const FREQ = /^(\d{3,6})(?:\.\d+)?$/;
const SIGNAL = /^(-?\d{1,3}(?:\.\d+)?)[ \t]*dBm$/;
const SEEN_MS = /^(\d{1,12})[ \t]*ms ago$/;
const VHT_WIDTH = /^\d[ \t]*\((\d{2,3})[ \t]*MHz\)$/;

/** The channel number of a frequency (2.4, 5 and 6 GHz bands). */
export function channelOf(mhz: number): number | null {
  if (mhz === 2484) return 14;
  if (mhz >= 2412 && mhz <= 2472) return (mhz - 2407) / 5;
  if (mhz >= 5955 && mhz <= 7115) return (mhz - 5950) / 5;
  if (mhz >= 5000 && mhz <= 5900) return (mhz - 5000) / 5;
  return null;
}

/**
 * `iw dev IF scan` (or `scan dump`), as iw's `print_bss_handler` prints it: per network a
 * `BSS <mac>(on IF)` line, optionally `-- associated`, then tab-indented fields (`freq:`
 * as an integer or, in newer iw, with a decimal; `signal: -41.00 dBm`; `last seen: N ms
 * ago` and, in newer iw, a `last seen: …s [boottime]` line too; `SSID:` empty when
 * hidden; `MESH ID:`; `DS Parameter set: channel N`; RSN/WPA blocks with their
 * `Authentication suites`; HT/VHT operation with the channel width). Unknown lines are
 * skipped (not counted: a scan prints dozens of information elements we do not need).
 * Networks come out sorted by frequency, then signal (strongest first), then BSSID; the
 * channel list summarises them.
 */
export function parseScan(text: string): ParseOutcome<ScanResult> {
  const out: ScanBss[] = [];
  let cur: (ScanBss & { privacy: boolean; rsn: string[] | null; wpa: boolean; ht: number | null }) | null = null;
  let block: "rsn" | "wpa" | "ht" | "vht" | null = null;
  let firstOther: number | null = null;
  let skipped = 0;
  const flush = () => {
    if (!cur) return;
    const { privacy, rsn, wpa, ht, ...b } = cur;
    const suites = rsn ?? [];
    const sae = suites.some((s) => /SAE|OWE/.test(s));
    const psk = suites.some((s) => /PSK|IEEE 802\.1X/.test(s));
    b.security = rsn ? (sae && psk ? "wpa2/wpa3" : sae ? "wpa3" : "wpa2") : wpa ? "wpa" : privacy ? "wep" : "open";
    b.ft = suites.some((s) => s.startsWith("FT/"));
    b.channel ??= ht ?? (b.freqMhz === null ? null : channelOf(b.freqMhz));
    out.push(b);
    cur = null;
  };
  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] as string;
    if (raw.length > MAX_LINE) {
      skipped++;
      continue;
    }
    const t = raw.trim();
    if (t === "") continue;
    const h = BSS.exec(t);
    if (h) {
      flush();
      block = null;
      cur = { bssid: macText(h[1] as string), iface: h[2] as string, associated: h[3] !== undefined, freqMhz: null, channel: null, widthMhz: null, signalDbm: null, lastSeenMs: null, ssid: null, meshId: null, security: "open", ft: false, privacy: false, rsn: null, wpa: false, ht: null };
      continue;
    }
    firstOther ??= n + 1;
    if (!cur) {
      skipped++;
      continue;
    }
    // Sub-items of RSN/WPA/HT/VHT blocks: ` * name: value`, indented twice (or inline after `RSN:`).
    const item = /^\*[ \t]*([^:]+):[ \t]*(.*)$/.exec(t.replace(/^(RSN|WPA):[ \t]*/, ""));
    const top = /^([A-Za-z][A-Za-z0-9 ./-]*?):[ \t]*(.*)$/.exec(t);
    if (top && !t.startsWith("*")) {
      const [, name, value] = top as unknown as [string, string, string];
      block = null;
      switch (name) {
        case "freq": {
          const f = FREQ.exec(value);
          cur.freqMhz = f ? Number(f[1]) : null;
          break;
        }
        case "signal": {
          const s = SIGNAL.exec(value);
          cur.signalDbm = s ? Math.round(Number(s[1])) : null;
          break;
        }
        case "last seen": {
          const s = SEEN_MS.exec(value);
          if (s) cur.lastSeenMs = Number(s[1]);
          break;
        }
        case "SSID":
          cur.ssid = value === "" || /^(\\x00)+$/.test(value) ? null : value;
          break;
        case "MESH ID":
          cur.meshId = value === "" ? null : value;
          break;
        case "capability":
          cur.privacy = /\bPrivacy\b/.test(value);
          break;
        case "DS Parameter set": {
          const c = /channel[ \t]+(\d{1,3})/.exec(value);
          if (c) cur.channel = Number(c[1]);
          break;
        }
        case "RSN":
          block = "rsn";
          cur.rsn ??= [];
          break;
        case "WPA":
          block = "wpa";
          cur.wpa = true;
          break;
        case "HT operation":
          block = "ht";
          break;
        case "VHT operation":
          block = "vht";
          break;
      }
      if (!item) continue;
    }
    if (!item) continue;
    const [, key, value] = item as unknown as [string, string, string];
    const k = key.trim();
    if (block === "rsn" && k === "Authentication suites") cur.rsn = value.trim().split(/[ \t]+/);
    else if (block === "ht" && k === "primary channel") cur.ht = /^\s*[1-9]\d{0,2}\s*$/.test(value) ? Number(value) : null;
    else if (block === "ht" && k === "STA channel width") {
      if (/^20 MHz$/.test(value.trim())) cur.widthMhz ??= 20;
      else if (value.trim() === "any") cur.widthMhz ??= 40;
    } else if (block === "vht" && k === "channel width") {
      const w = VHT_WIDTH.exec(value.trim());
      if (w) cur.widthMhz = Number(w[1]);
    }
  }
  flush();
  if (out.length === 0 && firstOther !== null) return notFormat("not iw scan output: no `BSS <mac>(on <interface>)` line", firstOther);
  out.sort((a, b) => (a.freqMhz ?? 0) - (b.freqMhz ?? 0) || (b.signalDbm ?? -999) - (a.signalDbm ?? -999) || (a.bssid < b.bssid ? -1 : 1));
  const byFreq = new Map<number, ScanChannel>();
  for (const b of out) {
    if (b.freqMhz === null) continue;
    const c = byFreq.get(b.freqMhz) ?? { freqMhz: b.freqMhz, channel: b.channel, networks: 0, strongestDbm: null };
    c.networks++;
    if (b.signalDbm !== null && (c.strongestDbm === null || b.signalDbm > c.strongestDbm)) c.strongestDbm = b.signalDbm;
    byFreq.set(b.freqMhz, c);
  }
  return parsed({ bss: out, channels: [...byFreq.values()].sort((a, b) => a.freqMhz - b.freqMhz) }, skipped);
}
