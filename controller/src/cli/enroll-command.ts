import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { CONTROLLER_KEY, FLEET_ACCOUNT, enroll, natsAccounts, readKeys } from "../enroll/index";
import { addTopologyOptions, writeTopology, type TopologyFlags } from "./nats-topology";

/**
 * `meshfleet-controller enroll <node-id> --keys DIR` (per-node nkey; the seed file is
 * printed by path, never by value) and `meshfleet-controller nats-config --keys DIR --out
 * FILE` (the nats-server authorization block: one user per node, its own subjects only).
 */
export function registerEnrollCommand(program: Command, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  program
    .command("enroll <node-id>")
    .description("create a node's NATS nkey (seed file 0600 for the router, public key for nats-config); again = rotate")
    .option("--keys <dir>", "keys directory", "/etc/meshfleet/keys")
    .action((node: string, o: { keys: string }) => {
      const r = enroll(o.keys, node);
      out(`enrolled ${node}: public key ${r.publicKey}`);
      out(`seed file (copy to the router as nats.nkeySeedFile, mode 0600): ${r.seedFile}`);
      out("then regenerate the nats-server configuration (meshfleet-controller nats-config) and reload nats-server");
    });
  const natsConfig = program
    .command("nats-config")
    .description("write the nats-server accounts block: one account per enrolled node, the controller's account with the stream")
    .option("--keys <dir>", "keys directory", "/etc/meshfleet/keys")
    .requiredOption("--out <file>", "file to write (include it from nats-server.conf); with --cluster a directory");
  addTopologyOptions(natsConfig).action((o: TopologyFlags) => {
      const keys = readKeys(o.keys);
      const accounts = natsAccounts(keys.nodes, keys.controller);
      // leaf uplinks bind to the controller's account (the only one with JetStream)
      if (writeTopology({ ...o, account: o.account ?? FLEET_ACCOUNT }, accounts, out)) return;
      writeFileSync(o.out, accounts, { mode: 0o644 });
      out(`wrote ${o.out}: ${keys.nodes.length} node user(s) + the controller (its seed: ${o.keys}/${CONTROLLER_KEY}.nk)`);
    });
}
