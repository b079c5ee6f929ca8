import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, MeshfleetError, ERROR_CODES, isValidNodeId } from "@meshfleet/shared";
import { natsAccounts } from "./nats-config";
import { readKeys } from "./keys";
import { recordedPartitions } from "./partitions";

/** Where the broker's generated accounts file lives and how to find the running nats-server. */
export interface BrokerTarget {
  /** The accounts file nats-server.conf includes (`nats-config --out`). */
  configFile: string;
  /** nats-server's `pid_file`: the process to send the reload signal to. */
  pidFile: string;
}

/** The reload signal could not be delivered (no pid file, no such process): the file is written but not in force. */
export class BrokerReloadError extends MeshfleetError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.brokerReload, message, { cause });
  }
}

/**
 * Takes a node's key out of the keys directory (its seed file and public key); the next
 * `nats-config` no longer has its user or account. False when it was not enrolled.
 */
export function revoke(dir: string, node: string): boolean {
  if (!isValidNodeId(node)) throw new ConfigError(`invalid node id ${JSON.stringify(node)}`);
  const pub = join(dir, `${node}.pub`);
  if (!existsSync(pub)) return false;
  unlinkSync(pub);
  const seed = join(dir, `${node}.nk`);
  if (existsSync(seed)) unlinkSync(seed);
  return true;
}

/** The accounts file for every enrolled key, with the partition count `nats-config --partitions` recorded. */
export function accountsFor(keysDir: string): { text: string; nodes: number; partitions: number | undefined } {
  const keys = readKeys(keysDir);
  const partitions = recordedPartitions(keysDir);
  return { text: natsAccounts(keys.nodes, keys.controller, partitions === undefined ? {} : { partitions }), nodes: keys.nodes.length, partitions };
}

/** Writes the accounts file for every enrolled key, atomically (a reload never reads half a file). */
export function writeAccountsFile(keysDir: string, file: string): { nodes: number } {
  const { text, nodes } = accountsFor(keysDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
  return { nodes };
}

/** Asks the running nats-server to reload its configuration (SIGHUP, what `nats-server --signal reload=<pid>` sends). */
export function signalReload(pidFile: string, kill: (pid: number, signal: NodeJS.Signals) => void = (p, s) => process.kill(p, s)): number {
  let text: string;
  try {
    text = readFileSync(pidFile, "utf8").trim();
  } catch (e) {
    throw new BrokerReloadError(`cannot read nats-server's pid file ${pidFile}`, e);
  }
  if (!/^[1-9]\d{0,9}$/.test(text)) throw new BrokerReloadError(`${pidFile} does not hold a process id`);
  const pid = Number(text);
  try {
    kill(pid, "SIGHUP");
  } catch (e) {
    throw new BrokerReloadError(`could not signal nats-server (pid ${pid}) to reload`, e);
  }
  return pid;
}

/**
 * Rewrites the accounts file and reloads the broker: a revoked key stops working, a rotated
 * one starts. Reloaded twice: with nats-server 2.9 (Debian's 2.9.10) an account added by a
 * reload — a newly enrolled node — connects, but its publishes reach no JetStream stream
 * until the next reload (the stream's imports are wired at a reload only for accounts that
 * existed before it). The second signal goes once the first has had `settleMs` to apply.
 */
export async function applyBrokerConfig(
  keysDir: string,
  target: BrokerTarget,
  opts: { settleMs?: number; sleep?: (ms: number) => Promise<void>; kill?: (pid: number, signal: NodeJS.Signals) => void } = {},
): Promise<{ nodes: number; pid: number }> {
  const { nodes } = writeAccountsFile(keysDir, target.configFile);
  const pid = signalReload(target.pidFile, opts.kill);
  await (opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(opts.settleMs ?? 1000);
  signalReload(target.pidFile, opts.kill);
  return { nodes, pid };
}
