import { z } from "zod";
import { ConfigError, maskSecretFields, severity as severitySchema, type Alert, type Severity } from "@meshfleet/shared";
import { SEVERITY_RANK, type AlertSink } from "./types";

export const retryPolicy = z.object({
  /** Attempts in total (1 = no retry). */
  attempts: z.number().int().min(1).max(20),
  baseDelayMs: z.number().int().min(0).max(3_600_000),
  maxDelayMs: z.number().int().min(0).max(3_600_000),
});
export type RetryPolicy = z.infer<typeof retryPolicy>;

export const webhookConfig = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** Alerts below this severity are not sent. */
  minSeverity: severitySchema.default("info"),
  /** Retry policy per severity (critical alerts may retry longer). */
  retry: z.partialRecord(severitySchema, retryPolicy).default({}),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** Extra headers (e.g. an authorization token; never logged). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type WebhookConfig = z.input<typeof webhookConfig>;

export const DEFAULT_RETRY: Record<Severity, RetryPolicy> = {
  info: { attempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 },
  warning: { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 },
  critical: { attempts: 8, baseDelayMs: 1000, maxDelayMs: 300_000 },
};

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "WebhookError";
  }
}

/** The delay before attempt `n + 1` (n >= 1): base * 2^(n-1), capped. */
export function backoffMs(policy: RetryPolicy, n: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
}

/**
 * POSTs each alert change as JSON to a URL; network errors, 5xx and 429 are retried with
 * exponential backoff (policy per severity), other 4xx are final. `sleep` is injectable.
 */
export class WebhookAlertSink implements AlertSink {
  readonly name: string;
  private readonly c: z.infer<typeof webhookConfig>;

  constructor(
    config: WebhookConfig,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    const parsed = webhookConfig.safeParse(config);
    if (!parsed.success) throw new ConfigError(`invalid webhook configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    this.c = parsed.data;
    this.name = `webhook ${new URL(this.c.url).host}`;
  }

  async deliver(alert: Alert): Promise<void> {
    if (SEVERITY_RANK[alert.severity] < SEVERITY_RANK[this.c.minSeverity]) return;
    const policy = this.c.retry[alert.severity] ?? DEFAULT_RETRY[alert.severity];
    const body = JSON.stringify(maskSecretFields(alert));
    let last = "";
    for (let n = 1; n <= policy.attempts; n++) {
      try {
        const res = await fetch(this.c.url, { method: "POST", headers: { "content-type": "application/json", ...this.c.headers }, body, signal: AbortSignal.timeout(this.c.timeoutMs) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        last = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) throw new WebhookError(`webhook refused the alert: ${last}`, n);
      } catch (err) {
        if (err instanceof WebhookError) throw err;
        last = (err as Error).message;
      }
      if (n < policy.attempts) await this.sleep(backoffMs(policy, n));
    }
    throw new WebhookError(`webhook failed after ${policy.attempts} attempts: ${last}`, policy.attempts);
  }
}
