import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, MAX_PARTITIONS } from "@meshfleet/shared";

/**
 * Several controllers share a fleet in partitions (`serve --cluster-partitions N`); the
 * broker's accounts must export each node's telemetry under the same count. `nats-config
 * --partitions N` records it in the keys directory, so `enroll`, `rotate` and `revoke`
 * rewrite the accounts file with it instead of silently falling back to no partitions.
 * `--partitions none` goes back to one controller.
 */
const FILE = "partitions";

/** A partition count from a flag or the file: an integer 1..MAX_PARTITIONS, or "none" (null). */
export function parsePartitions(text: string, where: string): number | null {
  const t = text.trim();
  if (t === "none") return null;
  const n = /^[1-9]\d{0,3}$/.test(t) ? Number(t) : NaN;
  if (!(n >= 1 && n <= MAX_PARTITIONS)) throw new ConfigError(`${where}: expected a partition count from 1 to ${MAX_PARTITIONS} or "none", got ${JSON.stringify(t)}`);
  return n;
}

/** The fleet's recorded partition count; undefined for a fleet run by one controller. */
export function recordedPartitions(dir: string): number | undefined {
  const file = join(dir, FILE);
  if (!existsSync(file)) return undefined;
  return parsePartitions(readFileSync(file, "utf8"), file) ?? undefined;
}

/** Records the fleet's partition count; null forgets it (one controller). */
export function recordPartitions(dir: string, count: number | null): void {
  const file = join(dir, FILE);
  if (count === null) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${count}\n`, { mode: 0o644 });
}
