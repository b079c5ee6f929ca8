import { maskSecretText, type Alert, type Severity } from "@meshfleet/shared";
import { SEVERITY_RANK } from "../alerts/types";

/** What a notification says, before it is shaped for a service (ntfy, Slack, JSON). */
export interface NotifyMessage {
  /** One line: `[CRITICAL] node-5 offline` / `[RESOLVED] …` / `12 alerts: 9 opened, 3 resolved`. */
  title: string;
  /** A few lines of plain text. */
  body: string;
  /** The highest severity among the alerts (a resolved-only message counts as info). */
  severity: Severity;
  resolvedOnly: boolean;
  /** True for a digest (several alerts in one message). */
  digest: boolean;
  /** The alerts behind it, latest change of each, oldest first. */
  alerts: readonly Alert[];
}

const MAX_DIGEST_LINES = 20;

const state = (a: Alert) => (a.state === "resolved" ? "RESOLVED" : a.severity.toUpperCase());
const what = (a: Alert) => a.text?.what ?? a.summary.split(/[.;(]/)[0]!.trim().slice(0, 120);
const where = (a: Alert) => (a.text?.where.length ? a.text.where.join(", ") : (a.node ?? a.subject));

/** One alert change as a message: what and where in the title, why, evidence and what to check in the body. */
export function alertMessage(a: Alert): NotifyMessage {
  const lines: string[] = [];
  if (a.state === "resolved") lines.push(`Resolved: ${a.summary}`);
  else if (a.text) {
    lines.push(a.text.why);
    if (a.text.evidence.length) lines.push("", ...a.text.evidence.slice(0, 5).map((e) => `- ${e}`));
    if (a.text.check.length) lines.push("", "Check:", ...a.text.check.slice(0, 3).map((c) => `- ${c}`));
  } else lines.push(a.summary);
  lines.push("", `${a.code} ${a.subject} (alert ${a.id}, opened ${new Date(a.openedAt).toISOString()})`);
  return {
    title: `[${state(a)}] ${what(a)} — ${where(a)}`.slice(0, 250),
    body: maskSecretText(lines.join("\n")).slice(0, 3000),
    severity: a.state === "resolved" ? "info" : a.severity,
    resolvedOnly: a.state === "resolved",
    digest: false,
    alerts: [a],
  };
}

/** Several alert changes as one message: counts in the title, one line per alert (most severe first, open before resolved). */
export function digestMessage(changes: readonly Alert[]): NotifyMessage {
  const open = changes.filter((a) => a.state === "open");
  const resolved = changes.filter((a) => a.state === "resolved");
  const sorted = [...open.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.openedAt - b.openedAt), ...resolved];
  const lines = sorted.slice(0, MAX_DIGEST_LINES).map((a) => `- [${state(a)}] ${what(a)} — ${where(a)}`);
  if (sorted.length > MAX_DIGEST_LINES) lines.push(`… and ${sorted.length - MAX_DIGEST_LINES} more (see the alerts page)`);
  const counts = [open.length ? `${open.length} opened` : "", resolved.length ? `${resolved.length} resolved` : ""].filter(Boolean).join(", ");
  const top = open.reduce<Severity>((s, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[s] ? a.severity : s), "info");
  return {
    title: `${changes.length} alerts: ${counts}`,
    body: maskSecretText(lines.join("\n")).slice(0, 3000),
    severity: top,
    resolvedOnly: open.length === 0,
    digest: true,
    alerts: changes,
  };
}
