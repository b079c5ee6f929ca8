import { pino, type Logger as PinoLogger } from "pino";
import type { Log } from "./types";
import { maskSecretFields } from "@meshfleet/shared";

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

/**
 * A one-line readable rendering of a pino JSON line for terminals:
 * `06:51:02.123 INFO  agent started node=r1 boot=…`.
 */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, pid: _pid, hostname: _host, ...rest } = o;
  const t = typeof time === "number" ? new Date(time).toISOString().slice(11, 23) : "";
  const lvl = (LEVELS[level as number] ?? String(level)).padEnd(5);
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
    .join(" ");
  return `${t} ${lvl} ${typeof msg === "string" ? msg : ""}${fields ? ` ${fields}` : ""}\n`;
}

function adapt(p: PinoLogger): Log {
  return {
    debug: (obj, msg) => p.debug(obj, msg),
    info: (obj, msg) => p.info(obj, msg),
    warn: (obj, msg) => p.warn(obj, msg),
    error: (obj, msg) => p.error(obj, msg),
    child: (b) => adapt(p.child(b)),
  };
}

export interface LoggerOptions {
  level: "debug" | "info" | "warn" | "error";
  /** Readable lines instead of JSON (default: when stderr is a TTY). */
  pretty?: boolean;
  /** Where lines go (default stderr, so stdout stays clean for `collect --once`). */
  write?: (line: string) => void;
}

/** pino: one JSON line per event; secrets are redacted should they ever be passed. */
export function createLogger(opts: LoggerOptions): Log {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const pretty = opts.pretty ?? process.stderr.isTTY === true;
  const p = pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      redact: { paths: ["password", "pass", "*.password", "*.pass", "token", "*.token", "key", "*.key"], censor: "[redacted]" },
      // every other secret-named field (key1, sae_password, private_key, …) and secret values inside text
      formatters: { log: (obj: Record<string, unknown>) => maskSecretFields(obj) },
    },
    { write: (line: string) => write(pretty ? prettyLine(line) : line) },
  );
  return adapt(p);
}
