import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "@nats-io/nkeys";
import { ConfigError, isValidNodeId } from "@meshfleet/shared";
import type { NodeKey } from "./nats-config";

/** The name the controller's own key goes by in the keys directory. */
export const CONTROLLER_KEY = "_controller";

/**
 * Creates an nkey user for a node (or the controller): the seed goes to `<dir>/<name>.nk`
 * with mode 0600 (copy it to the router; it never leaves the two machines and is never
 * logged), the public key to `<dir>/<name>.pub` (what nats-config reads). Enrolling a
 * node again replaces its key: that is how credentials are rotated.
 */
export function enroll(dir: string, name: string): { publicKey: string; seedFile: string } {
  if (name !== CONTROLLER_KEY && !isValidNodeId(name)) throw new ConfigError(`invalid node id ${JSON.stringify(name)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const kp = createUser();
  const seedFile = join(dir, `${name}.nk`);
  writeFileSync(seedFile, `${new TextDecoder().decode(kp.getSeed())}\n`, { mode: 0o600 });
  chmodSync(seedFile, 0o600);
  writeFileSync(join(dir, `${name}.pub`), `${kp.getPublicKey()}\n`);
  return { publicKey: kp.getPublicKey(), seedFile };
}

/** Every enrolled node's public key in `dir`, and the controller's (enrolled on first use). */
export function readKeys(dir: string): { nodes: NodeKey[]; controller: string } {
  if (!existsSync(dir)) throw new ConfigError(`no keys directory ${dir}: enroll nodes first`);
  const nodes = nodeKeys(dir);
  const ctlPub = join(dir, `${CONTROLLER_KEY}.pub`);
  const controller = existsSync(ctlPub) ? readFileSync(ctlPub, "utf8").trim() : enroll(dir, CONTROLLER_KEY).publicKey;
  return { nodes, controller };
}

/** Every enrolled node's public key in `dir` (none when the directory does not exist); changes nothing. */
export function nodeKeys(dir: string): NodeKey[] {
  if (!existsSync(dir)) return [];
  const nodes: NodeKey[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith(".pub") || f === `${CONTROLLER_KEY}.pub`) continue;
    nodes.push({ node: f.slice(0, -4), publicKey: readFileSync(join(dir, f), "utf8").trim() });
  }
  return nodes;
}
