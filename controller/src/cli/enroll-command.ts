import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError } from "@meshfleet/shared";
import { addTopologyOptions, writeTopology, type TopologyFlags } from "./nats-topology";

/** The key and broker configuration functions (with the nkeys library), loaded when a command runs, not for --help. */
const keys = () => import("../enroll/index");

interface KeyFlags {
  keys: string;
  natsConfig?: string;
  natsPidFile?: string;
}

const keyCommand = (program: Command, spec: string, description: string): Command =>
  program
    .command(spec)
    .description(description)
    .option("--keys <dir>", "keys directory", "/etc/meshfleet/keys")
    .option("--nats-config <file>", "rewrite this accounts file (what nats-config --out wrote) and reload nats-server (needs --nats-pid-file)")
    .option("--nats-pid-file <file>", "nats-server's pid_file: the process told to reload (SIGHUP)");

/** With --nats-config and --nats-pid-file: rewrite the broker's accounts file and reload it; otherwise say what to do. */
async function reloadOrExplain(o: KeyFlags, out: (line: string) => void): Promise<void> {
  if ((o.natsConfig === undefined) !== (o.natsPidFile === undefined)) throw new ConfigError("--nats-config and --nats-pid-file go together");
  if (o.natsConfig === undefined || o.natsPidFile === undefined) {
    out("then regenerate the nats-server configuration (meshfleet-controller nats-config) and reload nats-server");
    return;
  }
  const { applyBrokerConfig } = await keys();
  const r = await applyBrokerConfig(o.keys, { configFile: o.natsConfig, pidFile: o.natsPidFile });
  out(`wrote ${o.natsConfig} (${r.nodes} node(s)) and told nats-server (pid ${r.pid}) to reload`);
}

/**
 * `meshfleet-controller enroll <node-id> --keys DIR` (per-node nkey; the seed file is
 * printed by path, never by value) and `meshfleet-controller nats-config --keys DIR --out
 * FILE` (the nats-server authorization block: one user per node, its own subjects only).
 * `rotate` and `revoke` change a node's key; with --nats-config and --nats-pid-file they
 * (and `enroll`) rewrite the broker's accounts file and reload nats-server.
 */
export function registerEnrollCommand(program: Command, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const enrolled = async (o: KeyFlags, node: string, what: string) => {
    const { enroll } = await keys();
    const r = enroll(o.keys, node);
    out(`${what} ${node}: public key ${r.publicKey}`);
    out(`seed file (copy to the router as nats.nkeySeedFile, mode 0600): ${r.seedFile}`);
    await reloadOrExplain(o, out);
  };
  keyCommand(program, "enroll <node-id>", "create a node's NATS nkey (seed file 0600 for the router, public key for nats-config); again = rotate").action((node: string, o: KeyFlags) =>
    enrolled(o, node, "enrolled"),
  );
  keyCommand(program, "rotate <node-id>", "replace an enrolled node's nkey: its old key stops working at the reload").action(async (node: string, o: KeyFlags) => {
    const { nodeKeys } = await keys();
    if (!nodeKeys(o.keys).some((n) => n.node === node)) throw new ConfigError(`${node} is not enrolled in ${o.keys} (enroll it)`);
    await enrolled(o, node, "rotated");
  });
  keyCommand(program, "revoke <node-id>", "remove a node's nkey: at the reload the broker disconnects it and refuses it").action(async (node: string, o: KeyFlags) => {
    const { revoke } = await keys();
    if (!revoke(o.keys, node)) throw new ConfigError(`${node} is not enrolled in ${o.keys}`);
    out(`revoked ${node}: its seed file and public key are removed`);
    await reloadOrExplain(o, out);
  });
  const natsConfig = program
    .command("nats-config")
    .description("write the nats-server accounts block: one account per enrolled node, the controller's account with the stream")
    .option("--keys <dir>", "keys directory", "/etc/meshfleet/keys")
    .requiredOption("--out <file>", "file to write (include it from nats-server.conf); with --cluster a directory")
    .option("--partitions <n|none>", "several controllers (serve --cluster-partitions N): export each node's telemetry under its partition; remembered in the keys directory for enroll/rotate/revoke (none: one controller again)");
  addTopologyOptions(natsConfig).action(async (o: TopologyFlags & { partitions?: string }) => {
      const { CONTROLLER_KEY, FLEET_ACCOUNT, accountsFor, parsePartitions, recordPartitions } = await keys();
      if (o.partitions !== undefined) recordPartitions(o.keys, parsePartitions(o.partitions, "--partitions"));
      const accounts = accountsFor(o.keys);
      // leaf uplinks bind to the controller's account (the only one with JetStream)
      if (await writeTopology({ ...o, account: o.account ?? FLEET_ACCOUNT }, accounts.text, out)) return;
      writeFileSync(o.out, accounts.text, { mode: 0o644 });
      const parts = accounts.partitions === undefined ? "" : `, telemetry in ${accounts.partitions} partitions (serve --cluster-partitions ${accounts.partitions})`;
      out(`wrote ${o.out}: ${accounts.nodes} node user(s) + the controller (its seed: ${o.keys}/${CONTROLLER_KEY}.nk)${parts}`);
    });
}
