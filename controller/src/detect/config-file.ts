import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, zodIssues } from "@meshfleet/shared";
import { webhookConfig } from "../alerts/webhook-sink";
import { notificationsConfig } from "../notify/config";
import type { DetectionModuleOptions } from "./module";

const ms = z.number().int().positive();
const positive = z.number().positive();

/**
 * The alerting file given to `serve --alerting FILE`: detection parameters (every field
 * optional; defaults are the documented ones), webhook sinks and notification targets
 * (ntfy, Slack/Mattermost, JSON webhooks with per-severity routing, digests, a rate limit).
 */
export const alertingFile = z
  .object({
    churn: z.object({ halfLifeMs: ms, flapPenalty: positive, metricPenalty: positive, openAbove: positive, resolveBelow: positive, historyMax: z.number().int().min(1).max(1000) }).partial().strict(),
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
    ...(webhooks ? { webhooks } : {}),
    ...(notifications ? { notifications } : {}),
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
