import type { SurveyChannel, SurveyDump } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { MAX_LINE, counter, int, shortText, squash, splitLines } from "./text";

/** The shared schema's bound on channels. */
const MAX_CHANNELS = 1024;

const HEADER = /^Survey data from[ \t]+(\S{1,64})[ \t]*$/;
/** `5180 MHz [in use]`; S1G channels print a fraction (`902.5 MHz`). */
const FREQUENCY = /^(\d{1,6})(?:\.(\d{1,3}))?[ \t]*MHz[ \t]*(\[in use\])?$/;
const NOISE = /^(-?\d{1,4})[ \t]*dBm$/;
const MS = /^(\d{1,20})[ \t]*ms$/;

/** `name:` (blanks squashed) -> the field it fills. */
const TIMES: Readonly<Record<string, keyof SurveyChannel>> = {
  "channel active time": "activeMs",
  "channel busy time": "busyMs",
  "extension channel busy time": "extBusyMs",
  "channel receive time": "rxMs",
  "channel BSS receive time": "bssRxMs",
  "channel transmit time": "txMs",
};

/**
 * `iw dev IF survey dump`, as iw's `print_survey_handler` prints it: per channel a
 * `Survey data from IF` line, then tab-indented `frequency: F MHz [in use]`, `noise: N
 * dBm` and the cumulative `channel active/busy/receive/transmit time: T ms` (plus
 * `extension channel busy time` from some drivers and OpenWrt's `channel BSS receive
 * time`). Old iw prints only frequency and noise; some drivers print only the in-use
 * channel or no noise. A block without a frequency (iw said "survey data missing!" on
 * stderr) is left out. Unknown lines are skipped and counted. Channels come out sorted
 * by interface, then frequency.
 */
export function parseSurveyDump(text: string): ParseOutcome<SurveyDump> {
  const out: SurveyChannel[] = [];
  let cur: SurveyChannel | null = null;
  let iface: string | null = null;
  let skipped = 0;
  let firstOther: number | null = null;
  let sawHeader = false;

  const flush = () => {
    if (cur !== null) out.push(cur);
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
    const h = HEADER.exec(t);
    if (h) {
      flush();
      if (out.length >= MAX_CHANNELS) return invalid(`more than ${MAX_CHANNELS} survey channels`, n + 1);
      iface = shortText(h[1] as string);
      sawHeader = true;
      continue;
    }
    firstOther ??= n + 1;
    const colon = t.indexOf(":");
    if (iface === null || colon < 1) {
      skipped++;
      continue;
    }
    const name = squash(t.slice(0, colon));
    const value = t.slice(colon + 1).trim();
    if (name === "frequency") {
      const f = FREQUENCY.exec(value);
      if (!f) {
        skipped++;
        continue;
      }
      // A second frequency line without a new header starts another channel.
      flush();
      if (out.length >= MAX_CHANNELS) return invalid(`more than ${MAX_CHANNELS} survey channels`, n + 1);
      const mhz = Number(f[1]) + (f[2] === undefined ? 0 : Number(`0.${f[2]}`));
      cur = blank(iface, mhz, f[3] !== undefined);
      continue;
    }
    if (cur === null) {
      skipped++;
      continue;
    }
    if (name === "noise") {
      const m = NOISE.exec(value);
      const v = m ? int(m[1]) : null;
      if (v === null || v < -128 || v > 127) skipped++;
      else cur.noiseDbm = v;
      continue;
    }
    const field = TIMES[name];
    const m = field === undefined ? null : MS.exec(value);
    const v = m ? counter(m[1]) : null;
    if (field === undefined || v === null) skipped++;
    else (cur as Record<string, unknown>)[field] = v;
  }
  flush();

  if (!sawHeader && firstOther !== null) return notFormat("not iw survey dump output: no `Survey data from <interface>` line", firstOther);
  out.sort((a, b) => (a.iface === b.iface ? a.freqMhz - b.freqMhz : a.iface < b.iface ? -1 : 1));
  return parsed({ channels: out }, skipped);
}

function blank(iface: string, freqMhz: number, inUse: boolean): SurveyChannel {
  return { iface, freqMhz, inUse, noiseDbm: null, activeMs: null, busyMs: null, extBusyMs: null, rxMs: null, bssRxMs: null, txMs: null };
}

/** The channel the interface is on (`[in use]`), or null when the driver marks none. */
export function inUseChannel(dump: SurveyDump, iface: string): SurveyChannel | null {
  return dump.channels.find((c) => c.iface === iface && c.inUse) ?? null;
}
