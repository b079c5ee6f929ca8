import { z } from "zod";
import { epochMs, nodeId, shortText } from "./primitives";

export const SEVERITIES = ["info", "warning", "critical"] as const;
export const severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severity>;

/** Alert codes; one open alert per (code, subject). */
export const ALERT_CODES = [
  "route_flapping",
  "mesh_path_flapping",
  "neighbor_flapping",
  "node_offline",
  "link_degraded",
  "mesh_link_down",
  "bogus_mesh_path",
  "slow_convergence",
  "lint",
  "channel_congested",
  "noise_floor_raised",
  "node_flooding",
  "clock_skew",
] as const;
export const alertCode = z.enum(ALERT_CODES);
export type AlertCode = z.infer<typeof alertCode>;

/** An alert in words: what, where (node names), since when, why in one sentence, the evidence summarised, what to check. */
export const alertText = z.object({
  what: z.string().max(200),
  where: z.array(z.string().max(128)).max(20),
  since: epochMs,
  why: z.string().max(500),
  evidence: z.array(z.string().max(300)).max(20),
  check: z.array(z.string().max(300)).max(10),
});
export type AlertText = z.infer<typeof alertText>;

/** Controller -> sinks (NATS subject, webhooks): an alert opened, updated or resolved. */
export const alert = z.object({
  type: z.literal("alert"),
  v: z.number().int().positive(),
  id: z.string().min(1).max(64),
  code: alertCode,
  /** What the alert is about, e.g. `route:r1:2001:db8::/64`, `node:r3`, `link:r1-r2`. */
  subject: z.string().min(1).max(256),
  node: z.nullable(nodeId),
  severity,
  state: z.enum(["open", "resolved"]),
  openedAt: epochMs,
  resolvedAt: z.nullable(epochMs),
  summary: z.string().max(1000),
  /** The events and score history behind the alert. */
  evidence: z.object({
    eventIds: z.array(z.number().int()).max(1000),
    scores: z.array(z.object({ ts: epochMs, score: z.number() })).max(1000),
    detail: z.record(z.string(), z.unknown()).optional(),
  }),
  extra: z.record(z.string(), shortText).optional(),
  text: alertText.optional(),
  /** Acknowledged by whom and when (null: not yet). */
  ack: z.object({ by: z.string().max(128), at: epochMs }).nullable().optional(),
  /** The silence or maintenance window that covered it when it opened: recorded, not notified. */
  silencedBy: z.number().int().nullable().optional(),
});
export type Alert = z.infer<typeof alert>;
