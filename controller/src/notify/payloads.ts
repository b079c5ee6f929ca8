import { maskSecretFields, PROTOCOL_VERSION } from "@meshfleet/shared";
import type { NotifyTarget } from "./config";
import type { NotifyMessage } from "./message";

/** One HTTP request to a target (POST). */
export interface NotifyRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const NTFY_PRIORITY = { critical: 5, warning: 4, info: 3 } as const;
const NTFY_TAG = { critical: "rotating_light", warning: "warning", info: "information_source" } as const;
const COLOR = { critical: "#d50200", warning: "#de9e31", info: "#439fe0", resolved: "#2eb886" } as const;

/** Slack's three control characters in message text (Mattermost's compatible webhooks decode them the same way). */
export const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The request a target gets for a message (pure):
 * - webhook: the alert as JSON (secret fields masked), or `{type: "alert_digest", …}` with every alert;
 * - ntfy: JSON publishing to the server root (`{topic, title, message, priority, tags}`; UTF-8 safe, unlike headers), token as Bearer;
 * - slack: an incoming-webhook message (`text` + one coloured attachment), which Mattermost accepts as well.
 */
export function notifyRequest(t: NotifyTarget, m: NotifyMessage): NotifyRequest {
  const headers = { "content-type": "application/json", ...t.headers };
  switch (t.kind) {
    case "webhook": {
      const body = !m.digest ? maskSecretFields(m.alerts[0]!) : { type: "alert_digest", v: PROTOCOL_VERSION, title: m.title, count: m.alerts.length, severity: m.severity, alerts: maskSecretFields([...m.alerts]) };
      return { url: t.url, headers, body: JSON.stringify(body) };
    }
    case "ntfy": {
      const u = new URL(t.url);
      const parts = u.pathname.split("/").filter(Boolean);
      const topic = decodeURIComponent(parts.pop()!);
      u.pathname = `/${parts.map((p) => `${p}/`).join("")}`;
      u.search = "";
      const priority = m.resolvedOnly ? 2 : NTFY_PRIORITY[m.severity];
      const tags = [m.resolvedOnly ? "white_check_mark" : NTFY_TAG[m.severity], "meshfleet"];
      return { url: u.toString(), headers: { ...headers, ...(t.token ? { authorization: `Bearer ${t.token}` } : {}) }, body: JSON.stringify({ topic, title: m.title, message: m.body, priority, tags }) };
    }
    case "slack": {
      const color = m.resolvedOnly ? COLOR.resolved : COLOR[m.severity];
      return { url: t.url, headers, body: JSON.stringify({ text: slackEscape(m.title), attachments: [{ fallback: slackEscape(m.title), color, text: slackEscape(m.body) }] }) };
    }
  }
}

/** A URL safe to log: scheme and host only (webhook paths and queries often are the secret). */
export function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return "(invalid URL)";
  }
}
