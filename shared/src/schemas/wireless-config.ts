import { z } from "zod";
import { nullableInt } from "./common";
import { shortText } from "./primitives";

/**
 * The wireless configuration of one interface as the router runs it (from
 * `ubus call network.wireless status` or UCI). Keys never travel: only a salted
 * fingerprint that lets the controller tell "same key" from "different key".
 */
export const wifiIfaceConfig = z.object({
  section: z.nullable(shortText),
  ifname: z.nullable(shortText),
  device: z.nullable(shortText),
  /** ap, mesh, sta, adhoc, monitor */
  mode: z.nullable(shortText),
  ssid: z.nullable(shortText),
  meshId: z.nullable(shortText),
  encryption: z.nullable(shortText),
  /** sha256(ssid-or-meshid + "\n" + key), first 16 hex digits; null when no key. */
  keyFingerprint: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
  ieee80211r: z.boolean().nullable(),
  mobilityDomain: z.nullable(shortText),
  ftOverDs: z.boolean().nullable(),
  ieee80211k: z.boolean().nullable(),
  bssTransition: z.boolean().nullable(),
  network: z.nullable(shortText),
  disabled: z.boolean().nullable(),
});
export type WifiIfaceConfig = z.infer<typeof wifiIfaceConfig>;

export const radioConfig = z.object({
  name: shortText,
  channel: nullableInt,
  /** 2g, 5g, 6g (21.02+) */
  band: z.nullable(shortText),
  /** 11a, 11g (19.07) */
  hwmode: z.nullable(shortText),
  htmode: z.nullable(shortText),
  disabled: z.boolean().nullable(),
});
export type RadioConfig = z.infer<typeof radioConfig>;

export const wirelessConfig = z.object({
  radios: z.array(radioConfig).max(16),
  interfaces: z.array(wifiIfaceConfig).max(64),
});
export type WirelessConfig = z.infer<typeof wirelessConfig>;
