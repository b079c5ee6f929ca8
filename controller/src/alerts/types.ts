import type { Alert, AlertCode, AlertText, Severity } from "@meshfleet/shared";

/** What a detector asks for: an alert about (code, subject). */
export interface AlertInput {
  code: AlertCode;
  subject: string;
  node: string | null;
  severity: Severity;
  summary: string;
  evidence: Alert["evidence"];
  /** The alert in words (what, where, since, why, evidence, what to check). */
  text?: AlertText;
}

/** Where opened and resolved alerts go besides the database (NATS, webhooks). */
export interface AlertSink {
  readonly name: string;
  /** Delivers one alert change; rejects when it finally gave up. */
  deliver(alert: Alert): Promise<void>;
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
