import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { parse as parseJsonc, printParseErrorCode, type ParseError as JsoncError } from "jsonc-parser";
import { ConfigError, durationMs, zodIssues } from "@meshfleet/shared";
import { agentConfig, type AgentConfig } from "./schema";

/** Options the CLI accepts for `run` / `collect` (all optional; they override the file and env). */
export interface ConfigFlags {
  config?: string;
  nodeId?: string;
  nats?: string;
  creds?: string;
  user?: string;
  interval?: string;
  bufferSize?: string;
  wire?: string;
  runner?: string;
  sshHost?: string;
  sshUser?: string;
  sshPort?: string;
  sshKey?: string;
  prefix?: string;
  routing?: string;
  logLevel?: string;
}

export interface LoadedConfig {
  config: AgentConfig;
  /** From MESHFLEET_NATS_PASSWORD only; never logged, never in the config object. */
  password: string | undefined;
}

/** `10s`, `500ms`, `2m`, or plain milliseconds. */
export function parseDuration(text: string, field: string): number {
  const ms = durationMs(text);
  if (ms === null) throw new ConfigError(`${field}: not a duration (use e.g. 10s, 500ms or milliseconds): ${JSON.stringify(text)}`);
  return ms;
}

function integer(text: string, field: string): number {
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`${field}: not a whole number: ${JSON.stringify(text)}`);
  return Number(text);
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`config file ${path}: ${(e as Error).message}`, { cause: e });
  }
  const errors: JsoncError[] = [];
  const data: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const e = errors[0]!;
    throw new ConfigError(`config file ${path}: ${printParseErrorCode(e.error)} at offset ${e.offset}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ConfigError(`config file ${path}: not a JSON object`);
  return data as Record<string, unknown>;
}

function defaultNodeId(): string {
  return hostname().toLowerCase().split(".")[0] ?? "";
}

/**
 * File, then environment (MESHFLEET_*), then flags; validated with zod. A bad value is
 * a ConfigError naming the field (`config: intervalMs: Too small…`).
 */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const raw: Record<string, unknown> = flags.config ? readFile(flags.config) : {};
  const nats = { ...((raw.nats as Record<string, unknown> | undefined) ?? {}) };
  let runner = { ...((raw.runner as Record<string, unknown> | undefined) ?? {}) };

  const nodeIdValue = flags.nodeId ?? env.MESHFLEET_NODE_ID ?? (raw.nodeId as string | undefined) ?? defaultNodeId();
  const url = flags.nats ?? env.MESHFLEET_NATS_URL;
  if (url !== undefined) nats.servers = url.split(",").map((s) => s.trim()).filter(Boolean);
  const creds = flags.creds ?? env.MESHFLEET_NATS_CREDS;
  if (creds !== undefined) nats.credsFile = creds;
  const user = flags.user ?? env.MESHFLEET_NATS_USER;
  if (user !== undefined) nats.user = user;

  const merged: Record<string, unknown> = { ...raw, nodeId: nodeIdValue };
  if (Object.keys(nats).length > 0) merged.nats = nats;
  const interval = flags.interval ?? env.MESHFLEET_INTERVAL;
  if (interval !== undefined) merged.intervalMs = parseDuration(interval, "intervalMs");
  if (flags.bufferSize !== undefined) merged.bufferSize = integer(flags.bufferSize, "bufferSize");
  if (flags.routing !== undefined) merged.routing = flags.routing;
  if (flags.wire !== undefined) merged.wire = flags.wire;
  const level = flags.logLevel ?? env.MESHFLEET_LOG_LEVEL;
  if (level !== undefined) merged.logLevel = level;

  if (flags.runner !== undefined && flags.runner !== runner.type) runner = { type: flags.runner };
  const ssh: Record<string, unknown> = {};
  if (flags.sshHost !== undefined) ssh.host = flags.sshHost;
  if (flags.sshUser !== undefined) ssh.user = flags.sshUser;
  if (flags.sshPort !== undefined) ssh.port = integer(flags.sshPort, "runner.port");
  if (flags.sshKey !== undefined) ssh.identityFile = flags.sshKey;
  if (Object.keys(ssh).length > 0) {
    if (runner.type === "prefixed") runner.inner = { type: "ssh", ...((runner.inner as object | undefined) ?? {}), ...ssh };
    else runner = { ...runner, type: "ssh", ...ssh };
  }
  if (flags.prefix !== undefined) {
    runner = { ...runner, type: "prefixed", prefix: flags.prefix.split(/\s+/).filter(Boolean) };
  }
  if (Object.keys(runner).length > 0) merged.runner = runner;

  const r = agentConfig.safeParse(merged);
  if (!r.success) {
    const issues = zodIssues(r.error);
    throw new ConfigError(`config: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  }
  return { config: r.data, password: env.MESHFLEET_NATS_PASSWORD };
}
