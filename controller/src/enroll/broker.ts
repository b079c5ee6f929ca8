import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, MeshfleetError, ERROR_CODES, isValidNodeId } from "@meshfleet/shared";
import { natsAccounts } from "./nats-config";
import { readKeys } from "./keys";

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

/** Writes the accounts file for every enrolled key, atomically (a reload never reads half a file). */
export function writeAccountsFile(keysDir: string, file: string): { nodes: number } {
  const keys = readKeys(keysDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, natsAccounts(keys.nodes, keys.controller), { mode: 0o644 });
  renameSync(tmp, file);
  return { nodes: keys.nodes.length };
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

/** Rewrites the accounts file and reloads the broker: a revoked key stops working, a rotated one starts. */
export function applyBrokerConfig(keysDir: string, target: BrokerTarget): { nodes: number; pid: number } {
  const { nodes } = writeAccountsFile(keysDir, target.configFile);
  return { nodes, pid: signalReload(target.pidFile) };
}
