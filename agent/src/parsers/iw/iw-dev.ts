import type { IwDev, WirelessInterface } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { MAX_LINE, decimal, int, macText, shortText, sortBy, splitLines } from "./text";

/** The shared schema's bound on interfaces. */
const MAX_INTERFACES = 256;

const PHY = /^phy#(\d{1,6})$/;
const INTERFACE = /^Interface[ \t]+(\S+)/;
const UNNAMED = /^Unnamed\/non-netdev interface$/;
const MESH_ID = /^mesh[ _]?id:?[ \t]+(.+)$/i;

type State = { cur: WirelessInterface | null; inLinks: boolean };

/**
 * `iw dev` (`phy#N` lines, each followed by indented `Interface NAME` blocks) and
 * `iw dev IF info` (one `Interface NAME` block whose `wiphy N` names the phy), both as
 * iw `print_iface_handler` prints them: `ifindex`, `wdev`, `addr`, `ssid`, `type`,
 * `channel 36 (5180 MHz), width: 80 MHz, center1: 5210 MHz` (or the old `HT20` form),
 * `txpower 20.00 dBm`. Mainline iw prints no mesh id; a `mesh id X` line, when some
 * build prints one, is read. `multicast TXQ:` tables and unknown lines are skipped and
 * counted; MLD link lines only lend their channel/txpower when the interface has none.
 * P2P management devices (`Unnamed/non-netdev interface`) have no name and are left out.
 * Interfaces come out sorted by name.
 */
export function parseIwDev(text: string): ParseOutcome<IwDev> {
  const out: WirelessInterface[] = [];
  const st: State = { cur: null, inLinks: false };
  let phy: string | null = null;
  let unnamed = false;
  let sawUnnamed = false;
  let skipped = 0;
  let firstOther: number | null = null;

  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] as string;
    const t = raw.length > MAX_LINE ? null : raw.trim();
    if (t === "") continue;
    const p = t === null ? null : PHY.exec(t);
    if (p) {
      phy = `phy${p[1] as string}`;
      st.cur = null;
      unnamed = false;
      continue;
    }
    firstOther ??= n + 1;
    const i = t === null ? null : INTERFACE.exec(t);
    if (i) {
      if (out.length >= MAX_INTERFACES) return invalid(`more than ${MAX_INTERFACES} wireless interfaces`, n + 1);
      st.cur = blank(shortText(i[1] as string), phy);
      st.inLinks = false;
      unnamed = false;
      out.push(st.cur);
      continue;
    }
    if (t !== null && UNNAMED.test(t)) {
      st.cur = null;
      unnamed = true;
      sawUnnamed = true;
      continue;
    }
    if (unnamed && t !== null) continue;
    if (t === null || st.cur === null || !field(st, st.cur, t)) skipped++;
  }

  if (out.length === 0 && firstOther !== null && !sawUnnamed) {
    return notFormat("not iw dev output: no `Interface <name>` line", firstOther);
  }
  return parsed({ interfaces: sortBy(out, (x) => x.name) }, skipped);
}

function blank(name: string, phy: string | null): WirelessInterface {
  return {
    name,
    phy,
    ifindex: null,
    type: null,
    mac: null,
    ssid: null,
    meshId: null,
    channel: null,
    freqMhz: null,
    widthMhz: null,
    centerFreq1Mhz: null,
    txPowerDbm: null,
  };
}

/** One line of an interface block; false when it is skipped. */
function field(st: State, x: WirelessInterface, t: string): boolean {
  const sp = t.search(/[ \t]/);
  const key = sp < 0 ? t : t.slice(0, sp);
  const rest = sp < 0 ? "" : t.slice(sp + 1).trim();
  switch (key) {
    case "ifindex":
      x.ifindex = int(rest);
      return x.ifindex !== null;
    case "wdev":
      return /^0x[0-9a-f]+$/i.test(rest);
    case "addr":
      if (rest === "" || /[ \t]/.test(rest)) return false;
      x.mac = macText(rest);
      return true;
    case "ssid":
      x.ssid = shortText(rest);
      return true;
    case "type":
      if (rest === "") return false;
      x.type = shortText(rest);
      return true;
    case "wiphy": {
      const w = int(rest);
      if (w === null || w < 0) return false;
      x.phy = `phy${w}`;
      return true;
    }
    case "channel":
      return channel(x, t, st.inLinks);
    case "txpower": {
      const m = /^(-?\d{1,4}(?:\.\d{1,3})?)[ \t]*dBm$/.exec(rest);
      if (!m) return false;
      if (!st.inLinks || x.txPowerDbm === null) x.txPowerDbm = decimal(m[1]);
      return true;
    }
    case "4addr:":
      return true;
    case "MLD":
      st.inLinks = rest === "with links:";
      return st.inLinks;
    case "-":
      return st.inLinks && rest.startsWith("link");
    default: {
      const m = MESH_ID.exec(t);
      if (!m) return false;
      x.meshId = shortText((m[1] as string).trim());
      return true;
    }
  }
}

/** `channel 36 (5180 MHz), width: 80 MHz, center1: 5210 MHz` or `channel 11 (2462 MHz) HT20`. */
function channel(x: WirelessInterface, t: string, inLinks: boolean): boolean {
  const m = /^channel[ \t]+(\d{1,4})[ \t]*\((\d{1,6}(?:\.\d{1,3})?)[ \t]*MHz\)(.*)$/.exec(t);
  if (!m) return false;
  if (inLinks && x.channel !== null) return true;
  const rest = m[3] as string;
  x.channel = int(m[1]);
  x.freqMhz = decimal(m[2]);
  const w = /width:[ \t]*(\d{1,4})(?:\+(\d{1,4}))?[ \t]*MHz/.exec(rest);
  if (w) x.widthMhz = Number(w[1]) + (w[2] === undefined ? 0 : Number(w[2]));
  else {
    const ht = /(NO HT|HT20|HT40[+-])/.exec(rest);
    if (ht) x.widthMhz = ht[1] === "NO HT" || ht[1] === "HT20" ? 20 : 40;
  }
  const c1 = /center1:[ \t]*(\d{1,6}(?:\.\d{1,3})?)[ \t]*MHz/.exec(rest);
  if (c1) x.centerFreq1Mhz = decimal(c1[1]);
  return true;
}
