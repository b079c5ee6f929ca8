import { z } from "zod";
import { macText, nullableInt, nullableNumber } from "./common";
import { shortText } from "./primitives";

/** `iw dev` / `iw dev IF info`: one wireless interface. */
export const wirelessInterface = z.object({
  name: shortText,
  phy: z.nullable(shortText),
  ifindex: nullableInt,
  /** As iw prints it: "AP", "mesh point", "managed", "monitor", "IBSS", "P2P-client", ... */
  type: z.nullable(shortText),
  mac: macText.nullable(),
  ssid: z.nullable(shortText),
  meshId: z.nullable(shortText),
  channel: nullableInt,
  freqMhz: nullableNumber,
  widthMhz: nullableNumber,
  centerFreq1Mhz: nullableNumber,
  txPowerDbm: nullableNumber,
});
export type WirelessInterface = z.infer<typeof wirelessInterface>;

export const iwDev = z.object({ interfaces: z.array(wirelessInterface).max(256) });
export type IwDev = z.infer<typeof iwDev>;

/** Decoded bitrate line (`65.0 MBit/s MCS 6 short GI`, `VHT-MCS 9 80MHz VHT-NSS 1`, `HE-MCS 11 HE-NSS 2 ...`). */
export const bitrateInfo = z.object({
  mbps: nullableNumber,
  /** "legacy" | "ht" | "vht" | "he" | "eht" */
  mode: z.enum(["legacy", "ht", "vht", "he", "eht"]).nullable(),
  mcs: nullableInt,
  nss: nullableInt,
  widthMhz: nullableNumber,
  shortGi: z.boolean(),
});
export type BitrateInfo = z.infer<typeof bitrateInfo>;

export const meshPeerInfo = z.object({
  /** ESTAB, LISTEN, OPN_SNT, OPN_RCVD, CNF_RCVD, HOLDING, BLOCKED, ... */
  plink: z.nullable(shortText),
  llid: nullableInt,
  plid: nullableInt,
  localPs: z.nullable(shortText),
  peerPs: z.nullable(shortText),
  airtimeMetric: nullableInt,
  connectedToGate: z.boolean().nullable(),
});
export type MeshPeerInfo = z.infer<typeof meshPeerInfo>;

/** One block of `iw dev IF station dump`. */
export const station = z.object({
  iface: shortText,
  mac: macText,
  signalDbm: nullableNumber,
  signalAvgDbm: nullableNumber,
  chainSignalDbm: z.array(z.number()).max(8).nullable(),
  txBitrateMbps: nullableNumber,
  rxBitrateMbps: nullableNumber,
  txBitrate: bitrateInfo.nullable(),
  rxBitrate: bitrateInfo.nullable(),
  expectedThroughputMbps: nullableNumber,
  inactiveMs: nullableInt,
  rxBytes: nullableNumber,
  txBytes: nullableNumber,
  rxPackets: nullableNumber,
  txPackets: nullableNumber,
  txRetries: nullableNumber,
  txFailed: nullableNumber,
  connectedSec: nullableNumber,
  /** Flags iw prints as `name: yes|no` (authorized, authenticated, associated, WMM/WME, MFP, TDLS peer, preamble...). */
  flags: z.record(z.string(), z.union([z.boolean(), z.string()])),
  mesh: meshPeerInfo.nullable(),
  /** Values kept but suspicious, e.g. "positive_signal". */
  anomalies: z.array(shortText).max(16),
});
export type Station = z.infer<typeof station>;

export const stationDump = z.object({ stations: z.array(station).max(4096) });
export type StationDump = z.infer<typeof stationDump>;

/** One row of `iw dev IF mpath dump`. */
export const meshPath = z.object({
  dest: macText,
  nextHop: macText,
  iface: shortText,
  sn: nullableNumber,
  metric: nullableNumber,
  qlen: nullableNumber,
  exptime: nullableNumber,
  dtim: nullableNumber,
  dret: nullableNumber,
  flags: nullableInt,
  hopCount: nullableInt,
  pathChange: nullableInt,
});
export type MeshPath = z.infer<typeof meshPath>;

export const MPATH_FLAGS = { active: 0x1, resolving: 0x2, snValid: 0x4, fixed: 0x8, resolved: 0x10 } as const;

export const mpathDump = z.object({ paths: z.array(meshPath).max(8192) });
export type MpathDump = z.infer<typeof mpathDump>;
