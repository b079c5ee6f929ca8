import { z } from "zod";
import { nullableInt, nullableNumber } from "./common";
import { shortText } from "./primitives";

/**
 * One channel of `iw dev IF survey dump`. The times are cumulative since the driver
 * started (they go down when it is reloaded); any of them may be missing.
 */
export const surveyChannel = z.object({
  iface: shortText,
  freqMhz: z.number(),
  inUse: z.boolean(),
  noiseDbm: nullableInt,
  activeMs: nullableNumber,
  busyMs: nullableNumber,
  extBusyMs: nullableNumber,
  rxMs: nullableNumber,
  bssRxMs: nullableNumber,
  txMs: nullableNumber,
});
export type SurveyChannel = z.infer<typeof surveyChannel>;

export const surveyDump = z.object({ channels: z.array(surveyChannel).max(1024) });
export type SurveyDump = z.infer<typeof surveyDump>;

/**
 * Channel utilisation between two collection cycles (percent of the channel's active
 * time in the interval). Null after a counter reset or on the first cycle.
 */
export const channelUtilisation = z.object({
  /** Channel active time in the interval (ms). */
  activeMs: z.number().nonnegative(),
  busyPct: z.number().min(0).max(100),
  rxPct: z.number().min(0).max(100).nullable(),
  txPct: z.number().min(0).max(100).nullable(),
});
export type ChannelUtilisation = z.infer<typeof channelUtilisation>;

/** The health of one radio interface: its channel, power, noise, load and clients. */
export const radioHealth = z.object({
  iface: shortText,
  phy: z.nullable(shortText),
  /** As iw prints it: "AP", "mesh point", "managed", ... */
  type: z.nullable(shortText),
  band: z.enum(["2.4", "5", "6"]).nullable(),
  channel: nullableInt,
  freqMhz: nullableNumber,
  widthMhz: nullableNumber,
  txPowerDbm: nullableNumber,
  noiseDbm: nullableInt,
  /** The in-use channel's cumulative survey counters, as read this cycle. */
  survey: surveyChannel.nullable(),
  utilisation: channelUtilisation.nullable(),
  /** Associated client stations (mesh peers not counted). */
  clients: z.number().int().nonnegative(),
  meshId: z.nullable(shortText),
  /** Mesh peers in ESTAB (mesh point interfaces), else null. */
  peers: z.number().int().nonnegative().nullable(),
});
export type RadioHealth = z.infer<typeof radioHealth>;

export const radioView = z.object({ radios: z.array(radioHealth).max(256) });
export type RadioView = z.infer<typeof radioView>;
