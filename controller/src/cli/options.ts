import { ConfigError, durationMs } from "@meshfleet/shared";

/** `48h`, `30d`, `500ms` -> milliseconds (a unit is required on the command line). */
export function parseDuration(text: string, what: string): number {
  const ms = durationMs(text, { unit: "required" });
  if (ms === null) throw new ConfigError(`${what}: expected a duration such as 30s, 5m, 48h, 30d; got ${JSON.stringify(text)}`);
  return ms;
}

/** `HOST:PORT` (IPv6 in brackets) -> parts. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`--listen: expected HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: (m[1] ?? m[2])!, port };
}

/** `nats://a:4222,nats://b:4222` -> the list (at least one). */
export function parseServers(text: string): string[] {
  const list = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new ConfigError("--nats: expected one or more NATS URLs, comma-separated");
  return list;
}

/** `auto` or 1..5. */
export function parseReplicas(text: string): number | "auto" {
  if (text === "auto") return "auto";
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new ConfigError(`--stream-replicas: auto or 1 to 5, got ${JSON.stringify(text)}`);
  return n;
}
