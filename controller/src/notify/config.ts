import { z } from "zod";
import { ConfigError, severity as severitySchema, SEVERITIES, zodIssues } from "@meshfleet/shared";

/** The payloads meshfleet can send: the alert as JSON, an ntfy message, a Slack/Mattermost incoming-webhook message. */
export const TARGET_KINDS = ["webhook", "ntfy", "slack"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const notifyTarget = z
  .object({
    /** Shown in logs and errors instead of the URL (which may hold a secret). */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, . _ - (at most 64)"),
    kind: z.enum(TARGET_KINDS),
    /** webhook: where to POST; ntfy: the topic URL (`https://ntfy.sh/<topic>`); slack: the incoming-webhook URL (Slack or Mattermost). */
    url: z.url({ protocol: /^https?$/ }),
    /** Which severities this target gets (per-severity routing); default all. */
    severities: z.array(severitySchema).min(1).default([...SEVERITIES]),
    /** ntfy access token (sent as `Authorization: Bearer`; never logged). */
    token: z.string().min(1).max(512).optional(),
    /** Extra headers (never logged). */
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
    /** Attempts per message (network errors, 5xx and 429 are retried with exponential backoff). */
    attempts: z.number().int().min(1).max(20).default(4),
    /**
     * false: every alert change goes out at once, on its own (no grouping window, no digest,
     * no rate limit), as the older `webhooks` list sent them; they map to such targets.
     */
    group: z.boolean().default(true),
  })
  .strict()
  .refine((t) => t.kind === "ntfy" || t.token === undefined, { message: "token is for ntfy targets (use headers for others)", path: ["token"] })
  .refine((t) => t.kind !== "ntfy" || new URL(t.url).pathname.split("/").filter(Boolean).length >= 1, { message: "an ntfy URL names the topic: https://ntfy.example/<topic>", path: ["url"] });
export type NotifyTarget = z.infer<typeof notifyTarget>;

export const notificationsConfig = z
  .object({
    targets: z.array(notifyTarget).min(1).max(32),
    /** Alert changes arriving within this window after the first are sent together (ms). */
    groupWaitMs: z.number().int().min(0).max(600_000).default(10_000),
    /** From this many changes in one window, one digest message summarises them all. */
    digestFrom: z.number().int().min(2).max(1000).default(3),
    /** Messages per target: at most `max` per `perMs`; what comes over the limit waits and goes out in the next digest. */
    rateLimit: z.object({ max: z.number().int().min(1).max(10_000), perMs: z.number().int().min(1000).max(86_400_000) }).strict().default({ max: 20, perMs: 3_600_000 }),
  })
  .strict()
  .refine((c) => new Set(c.targets.map((t) => t.name)).size === c.targets.length, { message: "target names must be unique", path: ["targets"] });
export type NotificationsConfig = z.infer<typeof notificationsConfig>;
export type NotificationsInput = z.input<typeof notificationsConfig>;

/** Validates notification settings; errors name the field and never echo a value. */
export function parseNotifications(input: unknown, source = "notifications"): NotificationsConfig {
  const r = notificationsConfig.safeParse(input);
  if (!r.success) throw new ConfigError(`${source}: ${zodIssues(r.error).map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  return r.data;
}
