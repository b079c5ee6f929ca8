import * as z from "zod/mini";
import { epochMs, nodeId, shortText } from "./primitives";

/*
 * Built with `zod/mini`: the agent validates every job it receives with these schemas, and
 * its bundle does not load classic zod (see primitives.ts).
 */

/** UCI package (file under /etc/config). */
export const uciConfigName = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "UCI config names are lower-case letters, digits, - and _"));
/** A named section, or an anonymous one addressed as `@type[index]`. */
export const uciSectionName = z
  .string()
  .check(z.regex(/^([A-Za-z0-9_]{1,64}|@[A-Za-z0-9_-]{1,64}\[-?\d{1,4}\])$/, "UCI section names are letters, digits and _ (or @type[index])"));
export const uciOptionName = z.string().check(z.regex(/^[A-Za-z0-9_]{1,64}$/, "UCI option names are letters, digits and _"));
/** A section type (`wifi-iface`, `rule`): letters, digits, _ and -. */
export const uciSectionType = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, "UCI section types are letters, digits, _ and -"));
/**
 * A UCI value. Any printable text is allowed and stored literally (quotes, `;`,
 * `$(…)` included — the agent never hands values to a shell); control characters,
 * including newlines, are refused because the UCI file format cannot hold them.
 */
export const uciValue = z
  .string()
  .check(
    z.maxLength(1024),
    z.refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "UCI values cannot contain control characters or newlines"),
  );

export const uciOp = z.discriminatedUnion("op", [
  /** `uci set config.section=type` (create/retype a named section). */
  z.object({ op: z.literal("section"), config: uciConfigName, section: uciSectionName, type: uciSectionType }),
  /** `uci set config.section.option=value` (a list value replaces the whole list). */
  z.object({
    op: z.literal("set"),
    config: uciConfigName,
    section: uciSectionName,
    option: uciOptionName,
    value: z.union([uciValue, z.array(uciValue).check(z.maxLength(256))]),
  }),
  /** `uci delete config.section[.option]`. */
  z.object({ op: z.literal("delete"), config: uciConfigName, section: uciSectionName, option: z.optional(uciOptionName) }),
  z.object({ op: z.literal("add_list"), config: uciConfigName, section: uciSectionName, option: uciOptionName, value: uciValue }),
  z.object({ op: z.literal("del_list"), config: uciConfigName, section: uciSectionName, option: uciOptionName, value: uciValue }),
]);
export type UciOp = z.infer<typeof uciOp>;

export const RELOADS = ["wifi", "network", "firewall", "bird", "babeld"] as const;
export const reload = z.enum(RELOADS);
export type Reload = z.infer<typeof reload>;

export const jobVerify = z.object({
  /** The node must be back in touch with the controller within this many ms. */
  deadlineMs: z.int().check(z.gte(1000), z.lte(3_600_000)),
  minMeshPeers: z.optional(z.int().check(z.nonnegative())),
  minNeighbors: z.optional(z.int().check(z.nonnegative())),
});
export type JobVerify = z.infer<typeof jobVerify>;

/** Controller -> agent: what one node must apply. */
export const job = z.object({
  type: z.literal("job"),
  v: z.int().check(z.positive()),
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  node: nodeId,
  /** Delivery attempt; the agent applies a job id once, whatever the attempt. */
  attempt: z.int().check(z.positive()),
  createdAt: epochMs,
  expiresAt: epochMs,
  description: shortText,
  /**
   * The template that rendered the ops; the agent refuses ops outside its scope
   * (`JOB_SCOPES`). Absent from older controllers: judged as `raw`.
   */
  template: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,31}$/))),
  ops: z.array(uciOp).check(z.minLength(1), z.maxLength(512)),
  reloads: z.array(reload).check(z.maxLength(8)),
  verify: jobVerify,
});
export type Job = z.infer<typeof job>;

/** Per-node job states, in the order a healthy job passes through them. */
export const JOB_NODE_STATES = ["pending", "sent", "applying", "applied", "verified", "failed", "rolled_back", "skipped"] as const;
export const jobNodeState = z.enum(JOB_NODE_STATES);
export type JobNodeState = z.infer<typeof jobNodeState>;

/** Agent -> controller: progress and result of a job on one node. */
export const jobStatus = z.object({
  type: z.literal("jobStatus"),
  v: z.int().check(z.positive()),
  jobId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  node: nodeId,
  boot: z.string().check(z.minLength(8), z.maxLength(64)),
  ts: epochMs,
  state: z.enum(["received", "applying", "applied", "verified", "failed", "rolled_back", "duplicate"]),
  /** Why it failed or rolled back; never contains secrets. */
  reason: z.nullable(z.string().check(z.maxLength(2000))),
  /** Step detail for progress display ("reload wifi", "verify: 1/2 mesh peers"). */
  step: z.nullable(shortText),
  /** A stable error code when the agent refused the job (`E_JOB_REFUSED`); absent otherwise. */
  code: z.optional(z.string().check(z.regex(/^E_[A-Z_]{1,40}$/))),
});
export type JobStatus = z.infer<typeof jobStatus>;
