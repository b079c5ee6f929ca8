import * as z from "zod/mini";
import { NODE_ID_PATTERN } from "../subjects";
import { DIAG_KINDS } from "./diag-kinds";
import { epochMs, nodeId, shortText, wireError } from "./primitives";

/**
 * Remote diagnostics: the fixed list a node runs on request, each with bounded,
 * validated arguments. The same schema checks the request at the API, in the controller
 * before sending, and on the node before running (a node refuses anything else). Built
 * with `zod/mini`, like job.ts: the agent bundle does not load classic zod.
 */
export const diagKind = z.enum(DIAG_KINDS);
export type DiagKind = z.infer<typeof diagKind>;

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^(?=.*:)[0-9a-f:.]{2,45}$/i;
const IFACE = /^[a-z][a-z0-9._-]{0,14}$/;
const PREFIX = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?:\/(?:3[0-2]|[12]?\d))?|(?=.*:)[0-9a-f:]{2,39}(?:\/(?:12[0-8]|1[01]\d|[1-9]?\d))?)$/i;

const re = (r: RegExp) => ({ source: r.source, flags: r.flags });

/**
 * The argument patterns as regular expressions (source and flags) a form can check
 * before it asks: an argument is valid when one of its patterns matches (and, for a
 * target, it is no longer than 64 characters). The schema below is what decides; these
 * are its expressions and messages.
 */
export const DIAG_PATTERNS = {
  target: { patterns: [re(IPV4), re(IPV6), re(NODE_ID_PATTERN)], message: "a target is an IP address or a fleet node name" },
  prefix: { patterns: [re(PREFIX)], message: "a prefix is an IPv4/IPv6 address with an optional /length" },
  iface: { patterns: [re(IFACE)], message: "an interface name: a lower-case letter, then up to 14 letters, digits, . _ -" },
} as const;

export function isIpLiteral(s: string): boolean {
  return IPV4.test(s) || (IPV6.test(s) && !s.includes(":::"));
}

/** An IP literal or a fleet node name (never an option: no leading `-`, no blanks). */
export const diagTarget = z.string().check(
  z.maxLength(64),
  z.refine((s) => isIpLiteral(s) || NODE_ID_PATTERN.test(s), DIAG_PATTERNS.target.message),
);

export const DIAG_LIMITS = { count: [1, 20], size: [16, 1472], maxHops: [1, 30], durationSec: [1, 10], deadlineMs: [1000, 60_000] } as const;
const between = (r: readonly [number, number]) => z.int().check(z.gte(r[0]), z.lte(r[1]));
const iface = (fallback: string) => z._default(z.string().check(z.regex(IFACE, DIAG_PATTERNS.iface.message)), fallback);

export const diagArgs = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("ping"), target: diagTarget, count: z._default(between(DIAG_LIMITS.count), 4), size: z._default(between(DIAG_LIMITS.size), 56) }),
  z.strictObject({ kind: z.literal("ping6"), target: diagTarget, count: z._default(between(DIAG_LIMITS.count), 4), size: z._default(between(DIAG_LIMITS.size), 56) }),
  z.strictObject({ kind: z.literal("traceroute"), target: diagTarget, maxHops: z._default(between(DIAG_LIMITS.maxHops), 16) }),
  z.strictObject({ kind: z.literal("mpath"), iface: iface("mesh0") }),
  z.strictObject({ kind: z.literal("stations"), iface: iface("wlan0") }),
  z.strictObject({ kind: z.literal("route"), prefix: z.string().check(z.maxLength(43), z.regex(PREFIX, DIAG_PATTERNS.prefix.message)) }),
  z.strictObject({ kind: z.literal("scan"), iface: iface("wlan0") }),
  z.strictObject({ kind: z.literal("iperf3"), target: diagTarget, durationSec: z._default(between(DIAG_LIMITS.durationSec), 5) }),
  /**
   * The server side of an iperf3 test between two nodes: one client (`-1`), then it exits;
   * it gives up waiting after `IPERF3_SERVER_IDLE_SEC` plus the test's duration. The
   * controller starts it on the target node before it asks the other node for the client.
   */
  z.strictObject({ kind: z.literal("iperf3-server"), durationSec: z._default(between(DIAG_LIMITS.durationSec), 5) }),
]);

/** How long a throughput test's server waits for its client beyond the test's duration (s). */
export const IPERF3_SERVER_IDLE_SEC = 10;
/** The port a throughput test's server listens on (iperf3's own default). */
export const IPERF3_PORT = 5201;
export type DiagArgs = z.infer<typeof diagArgs>;
export type DiagArgsInput = z.input<typeof diagArgs>;

export const diagId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/));

/** Controller -> node: run one diagnostic now. */
export const diagRequest = z.object({
  type: z.literal("diag"),
  v: z.int().check(z.positive()),
  id: diagId,
  node: nodeId,
  args: diagArgs,
  /** The node gives up (and says so) after this long. */
  deadlineMs: between(DIAG_LIMITS.deadlineMs),
  ts: epochMs,
});
export type DiagRequest = z.infer<typeof diagRequest>;

/** Networks a scan keeps on the wire (the strongest first per channel; iw prints every one). */
export const DIAG_SCAN_MAX_BSS = 200;

/** A Wi-Fi scan's output as the node's parser read it: each network heard, and per channel how many and the strongest. */
export const diagScan = z.object({
  bss: z
    .array(
      z.object({
        bssid: shortText,
        iface: shortText,
        associated: z.boolean(),
        freqMhz: z.nullable(z.number()),
        channel: z.nullable(z.int()),
        widthMhz: z.nullable(z.int()),
        signalDbm: z.nullable(z.number()),
        lastSeenMs: z.nullable(z.number()),
        ssid: z.nullable(z.string().check(z.maxLength(64))),
        meshId: z.nullable(z.string().check(z.maxLength(64))),
        security: z.enum(["open", "wep", "wpa", "wpa2", "wpa3", "wpa2/wpa3"]),
        ft: z.boolean(),
      }),
    )
    .check(z.maxLength(DIAG_SCAN_MAX_BSS)),
  channels: z
    .array(z.object({ freqMhz: z.number(), channel: z.nullable(z.int()), networks: z.int().check(z.nonnegative()), strongestDbm: z.nullable(z.number()) }))
    .check(z.maxLength(DIAG_SCAN_MAX_BSS)),
  /** Networks heard beyond those sent (DIAG_SCAN_MAX_BSS). */
  omitted: z.int().check(z.nonnegative()),
});
export type DiagScan = z.infer<typeof diagScan>;

/** Node -> controller: accepted/refused first, then output chunks in order, then done. */
export const diagOutput = z.object({
  type: z.literal("diagout"),
  v: z.int().check(z.positive()),
  id: diagId,
  node: nodeId,
  seq: z.int().check(z.nonnegative()),
  state: z.enum(["accepted", "refused", "output", "done"]),
  text: z.optional(z.string().check(z.maxLength(16_384))),
  exitCode: z.optional(z.nullable(z.int())),
  error: z.optional(wireError),
  /** A scan's networks as the node parsed them, on `done` (absent when it printed nothing readable). */
  scan: z.optional(diagScan),
  /** The argv the node ran (for the audit), on `accepted`. */
  argv: z.optional(z.array(shortText).check(z.maxLength(32))),
});
export type DiagOutput = z.infer<typeof diagOutput>;
