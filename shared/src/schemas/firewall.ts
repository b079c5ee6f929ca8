import { z } from "zod";
import { nullableInt } from "./common";
import { shortText } from "./primitives";

/** A rule counter or a named counter from nftables. */
export const nftCounter = z.object({
  kind: z.enum(["rule", "named"]),
  family: shortText,
  table: shortText,
  /** Rule counters: the chain; named counters: null. */
  chain: z.nullable(shortText),
  /** Named counters: their name; rule counters: null. */
  name: z.nullable(shortText),
  /** The rule comment (fw4: `!fw4: Allow-RIPng`). */
  comment: z.nullable(shortText),
  handle: nullableInt,
  packets: z.number().nonnegative(),
  bytes: z.number().nonnegative(),
  /** What the rule matches and does, in short, when it could be read: e.g. `udp dport 521 accept`. */
  summary: z.string().max(512).nullable().optional(),
});
export type NftCounter = z.infer<typeof nftCounter>;

export const nftCounters = z.object({ counters: z.array(nftCounter).max(16384) });
export type NftCounters = z.infer<typeof nftCounters>;
