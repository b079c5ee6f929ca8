/**
 * The radio model: path loss -> signal, signal -> modulation (MCS), PHY bitrate,
 * expected throughput, HWMP airtime metric and Babel link cost. Coarse but monotone,
 * so a weaker link is always worse, which is what path selection needs.
 */

export const NOISE_FLOOR_DBM = -95;
/** Below this a mesh peering is not kept (the link does not exist). */
export const USABLE_SIGNAL_DBM = -88;
const TX_POWER_DBM = 20;

/** Log-distance path loss at 5 GHz (exponent 3, 46 dB at 1 m). */
export function signalAtDistance(meters: number): number {
  const d = Math.max(1, meters);
  return TX_POWER_DBM - (46 + 30 * Math.log10(d));
}

/** The radio mode a bitrate line describes. */
export interface Rate {
  /** Rate in units of 100 kbit/s, as the kernel reports it (iw prints rate/10 "." rate%10). */
  rate100k: number;
  mode: "ht" | "vht";
  mcs: number;
  nss: number;
  widthMhz: 20 | 40 | 80;
  shortGi: boolean;
}

/** VHT 80 MHz short-GI single-stream rates (100 kbit/s) for MCS 0..9. */
const VHT80_SGI_1SS = [325, 650, 975, 1300, 1950, 2600, 2925, 3250, 3900, 4333];
/** HT 20 MHz rates (100 kbit/s) for MCS 0..7, long and short GI. */
const HT20_LGI = [65, 130, 195, 260, 390, 520, 585, 650];
const HT20_SGI = [72, 144, 217, 289, 433, 578, 650, 722];
/** Minimum SNR (dB) for VHT MCS 0..9. */
const VHT_SNR = [5, 8, 11, 14, 18, 22, 24, 26, 30, 32];
/** Minimum SNR (dB) for HT MCS 0..7. */
const HT_SNR = [4, 7, 10, 13, 17, 21, 23, 25];

function mcsFor(snr: number, table: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < table.length; i++) if (snr >= table[i]!) m = i;
  return m;
}

/** Every rate the model uses, built once: the views share these (frozen) objects. */
const MESH_RATES: readonly Rate[][] = [1, 2].map((nss) => VHT80_SGI_1SS.map((r, mcs) => Object.freeze<Rate>({ rate100k: r * nss, mode: "vht", mcs, nss, widthMhz: 80, shortGi: true })));
const CLIENT_RATES: readonly Rate[][] = [false, true].flatMap((shortGi) =>
  [false, true].map((two) => (shortGi ? HT20_SGI : HT20_LGI).map((base, m) => Object.freeze<Rate>({ rate100k: base * (two ? 2 : 1), mode: "ht", mcs: two ? m + 8 : m, nss: two ? 2 : 1, widthMhz: 20, shortGi }))),
);

/** The 5 GHz mesh link rate (VHT80, 2 streams when the SNR allows, 1 below). */
export function meshRate(signalDbm: number): Rate {
  const snr = signalDbm - NOISE_FLOOR_DBM;
  return MESH_RATES[snr >= 12 ? 1 : 0]![mcsFor(snr, VHT_SNR)]!;
}

/** A 2.4 GHz AP client rate (HT20, MCS 0-7 for one stream, 8-15 for two). */
export function clientRate(signalDbm: number, shortGi: boolean): Rate {
  const snr = signalDbm - NOISE_FLOOR_DBM;
  return CLIENT_RATES[(shortGi ? 2 : 0) + (snr >= 20 ? 1 : 0)]![mcsFor(snr, HT_SNR)]!;
}

/** Expected throughput in kbit/s (what the kernel reports before iw's x1000/1024). */
export function expectedThroughputKbps(signalDbm: number): number {
  const r = meshRate(signalDbm);
  return Math.round(r.rate100k * 100 * 0.55);
}

/**
 * HWMP airtime link metric (lower is better): about 20 000 / throughput in Mbit/s plus
 * a fixed overhead, so two good hops can beat one poor direct hop.
 */
export function airtimeMetric(signalDbm: number): number {
  const mbps = expectedThroughputKbps(signalDbm) / 1000;
  return Math.round(50 + 20000 / Math.max(mbps, 1));
}

/** Babel cost of a wireless link (ETX-style: 256 on a clean link, more with loss). */
export function babelCost(signalDbm: number): number {
  const snr = signalDbm - NOISE_FLOOR_DBM;
  const loss = Math.min(0.8, Math.max(0, (12 - snr) / 12));
  return Math.round(256 / ((1 - loss) * (1 - loss)));
}

const rateTexts = new WeakMap<Rate, string>();

/** iw's bitrate text: `866.6 MBit/s VHT-MCS 9 80MHz short GI VHT-NSS 2`, `144.4 MBit/s MCS 15 short GI`. */
export function bitrateText(r: Rate): string {
  let s = rateTexts.get(r);
  if (s === undefined) rateTexts.set(r, (s = formatBitrate(r)));
  return s;
}

function formatBitrate(r: Rate): string {
  let s = `${Math.floor(r.rate100k / 10)}.${r.rate100k % 10} MBit/s`;
  if (r.mode === "ht") s += ` MCS ${r.mcs}`;
  else s += ` VHT-MCS ${r.mcs}`;
  if (r.widthMhz === 40) s += " 40MHz";
  if (r.widthMhz === 80) s += " 80MHz";
  if (r.shortGi) s += " short GI";
  if (r.mode === "vht") s += ` VHT-NSS ${r.nss}`;
  return s;
}

/** The Mbit/s value a bitrate line shows. */
export function rateMbps(r: Rate): number {
  return r.rate100k / 10;
}

/** 5 GHz channel -> centre frequency (MHz). */
export function channelFreq(channel: number): number {
  return channel <= 14 ? (channel === 14 ? 2484 : 2407 + 5 * channel) : 5000 + 5 * channel;
}

/** Centre of the 80 MHz block a 5 GHz channel belongs to (36-48 -> 5210, ...). */
export function center80(channel: number): number {
  const starts = [36, 52, 100, 116, 132, 149];
  const start = starts.filter((s) => s <= channel).pop() ?? 36;
  return channelFreq(start) + 30;
}

/** DFS (radar) channels on 5 GHz: 52-144. */
export function isDfsChannel(channel: number): boolean {
  return channel >= 52 && channel <= 144;
}
