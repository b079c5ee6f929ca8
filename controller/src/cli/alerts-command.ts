import type { Command } from "commander";
import { ConfigError } from "@meshfleet/shared";
import { parseDuration } from "./options";

/** What the alert commands need from the world (tests pass an in-process API and a buffer). */
export interface AlertsCliIo {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  write: (text: string) => void;
  /** Who acknowledges or silences (default: $USER). */
  user: string;
}

const realIo = (): AlertsCliIo => ({ fetch: (url, init) => fetch(url, init), write: (t) => void process.stdout.write(t), user: process.env.USER ?? "cli" });

interface Common {
  api: string;
  token?: string;
}

async function call(io: AlertsCliIo, o: Common, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const token = o.token ?? process.env.MESHFLEET_TOKEN;
  const res = await io.fetch(`${o.api.replace(/\/$/, "")}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ConfigError(`${method} ${path}: HTTP ${res.status}: ${typeof data.message === "string" ? data.message : "error"}`);
  return data;
}

const when = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/** `alerts ack <id>`, `alerts silence --node/--code/--subject --for 2h --reason ...` (or `--from/--until` for a maintenance window), `alerts silences`, `alerts unsilence <id>`. */
export function registerAlertsCommand(program: Command, io: AlertsCliIo = realIo()): void {
  const alerts = program.command("alerts").description("alerts: acknowledge, silence, maintenance windows");
  const common = (c: Command) => c.option("--api <url>", "controller API", process.env.MESHFLEET_API ?? "http://127.0.0.1:8080").option("--token <token>", "API token (default: $MESHFLEET_TOKEN)");

  common(alerts.command("ack <id>").description("acknowledge an alert (recorded with your name and the time)")).action(async (id: string, o: Common) => {
    const r = (await call(io, o, "POST", `/api/alerts/${encodeURIComponent(id)}/ack`, { by: io.user })).alert as { id: string; code: string; subject: string };
    io.write(`acknowledged alert ${r.id} (${r.code} ${r.subject}) as ${io.user}\n`);
  });

  common(
    alerts
      .command("silence")
      .description("silence alerts about a node, a code or a subject: recorded, not notified")
      .option("--node <id>", "alerts about this node (a link naming it too)")
      .option("--code <code>", "alerts with this code")
      .option("--subject <subject>", "alerts about this subject")
      .option("--for <duration>", "from now for this long (30m, 2h, 1d)")
      .option("--from <time>", "maintenance window start (ISO time)")
      .option("--until <time>", "maintenance window end (ISO time)")
      .requiredOption("--reason <text>", "why (shown with the silence)"),
  ).action(async (o: Common & { node?: string; code?: string; subject?: string; for?: string; from?: string; until?: string; reason: string }) => {
    const at = (s: string, what: string) => {
      const t = Date.parse(s);
      if (Number.isNaN(t)) throw new ConfigError(`${what}: expected a time such as 2026-05-01T22:00:00Z, got ${JSON.stringify(s)}`);
      return t;
    };
    const window = o.from !== undefined || o.until !== undefined;
    if (window && (o.from === undefined || o.until === undefined)) throw new ConfigError("a maintenance window needs both --from and --until");
    if (!window && o.for === undefined) throw new ConfigError("give --for <duration>, or --from and --until for a maintenance window");
    const body = {
      kind: window ? "maintenance" : "silence",
      ...(o.node ? { node: o.node } : {}),
      ...(o.code ? { code: o.code } : {}),
      ...(o.subject ? { subject: o.subject } : {}),
      ...(window ? { fromTs: at(o.from!, "--from"), untilTs: at(o.until!, "--until") } : { durationMs: parseDuration(o.for!, "--for") }),
      reason: o.reason,
      by: io.user,
    };
    const s = (await call(io, o, "POST", "/api/alerts/silences", body)).silence as { id: number; fromTs: number; untilTs: number };
    io.write(`silence ${s.id}: ${[o.node && `node ${o.node}`, o.code && `code ${o.code}`, o.subject && `subject ${o.subject}`].filter(Boolean).join(", ")} from ${when(s.fromTs)} until ${when(s.untilTs)}\n`);
  });

  common(alerts.command("silences").description("current and planned silences and maintenance windows")).action(async (o: Common) => {
    const list = (await call(io, o, "GET", "/api/alerts/silences")).silences as { id: number; kind: string; node: string | null; code: string | null; subject: string | null; fromTs: number; untilTs: number; reason: string; createdBy: string }[];
    if (list.length === 0) io.write("no silences\n");
    for (const s of list) io.write(`${s.id}\t${s.kind}\t${[s.node && `node ${s.node}`, s.code && `code ${s.code}`, s.subject && `subject ${s.subject}`].filter(Boolean).join(", ")}\t${when(s.fromTs)} - ${when(s.untilTs)}\t${s.createdBy}: ${s.reason}\n`);
  });

  common(alerts.command("unsilence <id>").description("end a silence now")).action(async (id: string, o: Common) => {
    await call(io, o, "DELETE", `/api/alerts/silences/${encodeURIComponent(id)}`);
    io.write(`silence ${id} ended\n`);
  });
}
