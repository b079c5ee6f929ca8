import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, SEVERITIES, zodIssues } from "@meshfleet/shared";
import { DEFAULT_RETRY, webhookConfig } from "../alerts/webhook-sink";
import { SEVERITY_RANK } from "../alerts/types";
import { notificationsConfig, notifyTarget, type NotificationsConfig, type NotifyTarget } from "../notify/config";
import type { DetectionModuleOptions } from "./module";

const ms = z.number().int().positive();
const positive = z.number().positive();

/**
 * The alerting file given to `serve --alerting FILE`: detection parameters (every field
 * optional; defaults are the documented ones) and notification targets (ntfy,
 * Slack/Mattermost, JSON webhooks with per-severity routing, digests, a rate limit); the
 * older `webhooks` list is read as webhook targets (`webhookTargets`).
 */
export const alertingFile = z
  .object({
    churn: z.object({ halfLifeMs: ms, flapPenalty: positive, metricPenalty: positive, countToInfinityMs: z.number().int().nonnegative(), openAbove: positive, resolveBelow: positive, historyMax: z.number().int().min(1).max(1000) }).partial().strict(),
    convergence: z.object({ quietMs: ms, maxSilenceMs: ms, slowMs: ms }).partial().strict(),
    linkHealth: z
      .object({
        dropDb: z.number().positive().max(60),
        throughputFraction: z.number().positive().max(1),
        floorSignalDbm: z.number().min(-120).max(0),
        floorThroughputMbps: z.number().nonnegative(),
        toleranceMs: z.number().int().nonnegative(),
        recoverMs: z.number().int().nonnegative(),
        recoverMarginDb: z.number().nonnegative().max(30),
        baselineTauMs: ms,
        minSamples: z.number().int().min(1).max(100_000),
        relearnAfterMs: ms,
        downMinUpMs: z.number().int().nonnegative(),
        downAfterMs: ms,
        window: z.number().int().min(1).max(100),
      })
      .partial()
      .strict(),
    offlineAfterIntervals: z.number().int().min(1).max(1000),
    roamWindowMs: ms,
    tickMs: z.number().int().min(100).max(600_000),
    natsAlerts: z.boolean(),
    webhooks: z.array(webhookConfig).max(32),
    notifications: notificationsConfig,
  })
  .partial()
  .strict()
  .refine((c) => !c.churn || c.churn.openAbove === undefined || c.churn.resolveBelow === undefined || c.churn.resolveBelow < c.churn.openAbove, {
    message: "churn.resolveBelow must be below churn.openAbove",
    path: ["churn", "resolveBelow"],
  });
export type AlertingFile = z.infer<typeof alertingFile>;

/**
 * The older `webhooks` list as notification targets of kind webhook (`webhook-1`, … in
 * order, or `webhooks-N` when a target already has that name): the severities from
 * `minSeverity` up, its URL, headers and timeout, the most attempts its retry policies
 * allow, and `group: false` so each alert change still goes out at once as one JSON POST.
 */
export function webhookTargets(webhooks: readonly z.infer<typeof webhookConfig>[], taken: ReadonlySet<string>): NotifyTarget[] {
  return webhooks.map((w, i) => {
    const severities = SEVERITIES.filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[w.minSeverity]);
    const attempts = Math.max(...severities.map((s) => (w.retry[s] ?? DEFAULT_RETRY[s]).attempts));
    const name = taken.has(`webhook-${i + 1}`) ? `webhooks-${i + 1}` : `webhook-${i + 1}`;
    return notifyTarget.parse({ name, kind: "webhook", url: w.url, severities, headers: w.headers, timeoutMs: w.timeoutMs, attempts, group: false });
  });
}

/** The notification settings with the older webhooks added as targets (null: neither is configured). */
function oneNotifications(notifications: NotificationsConfig | undefined, webhooks: readonly z.infer<typeof webhookConfig>[] | undefined): NotificationsConfig | null {
  const hooks = webhookTargets(webhooks ?? [], new Set(notifications?.targets.map((t) => t.name)));
  if (hooks.length === 0) return notifications ?? null;
  if (!notifications) return notificationsConfig.parse({ targets: hooks });
  return { ...notifications, targets: [...notifications.targets, ...hooks] };
}

/** Validates an alerting file's parsed JSON into detection module options; errors name the field. */
export function alertingOptions(input: unknown, source = "alerting file"): DetectionModuleOptions {
  const r = alertingFile.safeParse(input);
  if (!r.success) {
    const issues = zodIssues(r.error);
    throw new ConfigError(`${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
  const { churn, convergence, linkHealth, offlineAfterIntervals, roamWindowMs, tickMs, natsAlerts, webhooks, notifications } = r.data;
  return {
    config: {
      ...(churn ? { churn } : {}),
      ...(convergence ? { convergence } : {}),
      ...(linkHealth ? { linkHealth } : {}),
      ...(offlineAfterIntervals !== undefined ? { offlineAfterIntervals } : {}),
      ...(roamWindowMs !== undefined ? { roamWindowMs } : {}),
    },
    ...(tickMs !== undefined ? { tickMs } : {}),
    ...(natsAlerts !== undefined ? { natsAlerts } : {}),
    ...(oneNotifications(notifications, webhooks) ? { notifications: oneNotifications(notifications, webhooks)! } : {}),
  };
}

/** Reads and validates `serve --alerting FILE`. */
export function loadAlertingFile(path: string): DetectionModuleOptions {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`--alerting: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`--alerting: ${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return alertingOptions(parsed, path);
}
