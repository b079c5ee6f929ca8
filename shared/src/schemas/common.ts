import { z } from "zod";
import { epochMs } from "./primitives";

/**
 * A MAC address as the router printed it, lower-cased. Public samples mask MACs
 * (`xx`, `**`), so the wire accepts any short token; `isMac` tells a real one.
 */
export const macText = z.string().min(1).max(64);
export const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
export function isMac(value: string): boolean {
  return MAC_PATTERN.test(value);
}
export const ZERO_MAC = "00:00:00:00:00:00";

export const nullableNumber = z.number().nullable();
export const nullableInt = z.number().int().nullable();

/** One collector's problem in one cycle. */
export const collectorError = z.object({
  code: z.string().max(64),
  message: z.string().max(2000),
  /** The command that failed, argv joined for display. */
  command: z.string().max(512).optional(),
});
export type CollectorError = z.infer<typeof collectorError>;

/**
 * One collector's result: the data (null when the collector could not produce any)
 * and its own error list, so a failing `birdc` never hides station data.
 */
export function section<T extends z.ZodType>(data: T) {
  return z.object({
    data: data.nullable(),
    errors: z.array(collectorError).max(100),
    /** Lines the parsers skipped as unrecognised. */
    skipped: z.number().int().nonnegative().default(0),
    durationMs: z.number().nonnegative().optional(),
    /**
     * Present when (part of) `data` was read in an earlier cycle and reported again (slow-
     * changing facts: board/release, delegated prefixes, wireless configuration): the
     * agent-clock time (ms) it was read. Absent: everything was read for this snapshot.
     */
    cachedFromTs: z.optional(epochMs),
  });
}
