import { z } from "zod";
import { NODE_ID_PATTERN } from "../subjects";
import { epochMs, nodeId, shortText, wireError } from "./common";

/**
 * Remote diagnostics: the fixed list a node runs on request, each with bounded,
 * validated arguments. The same schema checks the request at the API, in the controller
 * before sending, and on the node before running (a node refuses anything else).
 */
export const DIAG_KINDS = ["ping", "ping6", "traceroute", "mpath", "stations", "route", "scan", "iperf3"] as const;
export const diagKind = z.enum(DIAG_KINDS);
export type DiagKind = z.infer<typeof diagKind>;

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^(?=.*:)[0-9a-f:.]{2,45}$/i;
const IFACE = /^[a-z][a-z0-9._-]{0,14}$/;
const PREFIX = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?:\/(?:3[0-2]|[12]?\d))?|(?=.*:)[0-9a-f:]{2,39}(?:\/(?:12[0-8]|1[01]\d|[1-9]?\d))?)$/i;

export function isIpLiteral(s: string): boolean {
  return IPV4.test(s) || (IPV6.test(s) && !s.includes(":::"));
}

/** An IP literal or a fleet node name (never an option: no leading `-`, no blanks). */
export const diagTarget = z.string().max(64).refine((s) => isIpLiteral(s) || NODE_ID_PATTERN.test(s), "a target is an IP address or a fleet node name");

export const DIAG_LIMITS = { count: [1, 20], size: [16, 1472], maxHops: [1, 30], durationSec: [1, 10], deadlineMs: [1000, 60_000] } as const;
const between = (r: readonly [number, number]) => z.number().int().min(r[0]).max(r[1]);

export const diagArgs = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ping"), target: diagTarget, count: between(DIAG_LIMITS.count).default(4), size: between(DIAG_LIMITS.size).default(56) }).strict(),
  z.object({ kind: z.literal("ping6"), target: diagTarget, count: between(DIAG_LIMITS.count).default(4), size: between(DIAG_LIMITS.size).default(56) }).strict(),
  z.object({ kind: z.literal("traceroute"), target: diagTarget, maxHops: between(DIAG_LIMITS.maxHops).default(16) }).strict(),
  z.object({ kind: z.literal("mpath"), iface: z.string().regex(IFACE).default("mesh0") }).strict(),
  z.object({ kind: z.literal("stations"), iface: z.string().regex(IFACE).default("wlan0") }).strict(),
  z.object({ kind: z.literal("route"), prefix: z.string().max(43).regex(PREFIX, "a prefix is an IPv4/IPv6 address with an optional /length") }).strict(),
  z.object({ kind: z.literal("scan"), iface: z.string().regex(IFACE).default("wlan0") }).strict(),
  z.object({ kind: z.literal("iperf3"), target: diagTarget, durationSec: between(DIAG_LIMITS.durationSec).default(5) }).strict(),
]);
export type DiagArgs = z.infer<typeof diagArgs>;
export type DiagArgsInput = z.input<typeof diagArgs>;

export const diagId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** Controller -> node: run one diagnostic now. */
export const diagRequest = z.object({
  type: z.literal("diag"),
  v: z.number().int().positive(),
  id: diagId,
  node: nodeId,
  args: diagArgs,
  /** The node gives up (and says so) after this long. */
  deadlineMs: between(DIAG_LIMITS.deadlineMs),
  ts: epochMs,
});
export type DiagRequest = z.infer<typeof diagRequest>;

/** Node -> controller: accepted/refused first, then output chunks in order, then done. */
export const diagOutput = z.object({
  type: z.literal("diagout"),
  v: z.number().int().positive(),
  id: diagId,
  node: nodeId,
  seq: z.number().int().nonnegative(),
  state: z.enum(["accepted", "refused", "output", "done"]),
  text: z.string().max(16_384).optional(),
  exitCode: z.number().int().nullable().optional(),
  error: wireError.optional(),
  /** The argv the node ran (for the audit), on `accepted`. */
  argv: z.array(shortText).max(32).optional(),
});
export type DiagOutput = z.infer<typeof diagOutput>;
