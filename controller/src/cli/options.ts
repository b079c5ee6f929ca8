import { z } from "zod";
import { ConfigError } from "@meshfleet/shared";

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `48h`, `30d`, `500ms` -> milliseconds. */
export function parseDuration(text: string, what: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new ConfigError(`${what}: expected a duration such as 30s, 5m, 48h, 30d; got ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT[m[2]!]!;
}

/** `HOST:PORT` (IPv6 in brackets) -> parts. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`--listen: expected HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: (m[1] ?? m[2])!, port };
}

export const serveOptions = z.object({
  db: z.string().min(1),
  nats: z.string().min(1),
  listen: z.string().transform(parseListen),
  rawRetention: z.string().transform((s) => parseDuration(s, "--raw-retention")),
  minuteRetention: z.string().transform((s) => parseDuration(s, "--minute-retention")),
  hourRetention: z.string().transform((s) => parseDuration(s, "--hour-retention")),
  streamMaxAge: z.string().transform((s) => parseDuration(s, "--stream-max-age")),
  streamMaxBytes: z.coerce.number().int().positive(),
  ackWait: z.string().transform((s) => parseDuration(s, "--ack-wait")),
  batch: z.coerce.number().int().min(1).max(10_000),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
  synchronous: z.enum(["NORMAL", "FULL"]),
  /** JSON file with detection parameters and webhook sinks (see controller/src/detect/config-file.ts). */
  alerting: z.string().min(1).optional(),
  /** The controller's nkey seed file (written by `nats-config` as <keys>/_controller.nk). */
  nkeySeed: z.string().min(1).optional(),
  /** The keys directory (`enroll`, `nats-config`) for enrollment through the API. */
  keys: z.string().min(1).optional(),
  /** TLS to NATS: CA file, and a client certificate + key when the server asks for one. */
  tlsCa: z.string().min(1).optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
});
export type ServeOptions = z.infer<typeof serveOptions>;
