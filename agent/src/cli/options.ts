import type { Command } from "commander";

/** The flags `run` and `collect` share (they override the config file and MESHFLEET_* env). */
export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option("-c, --config <file>", "agent.json (JSON with comments allowed)")
    .option("--node-id <id>", "node id (env MESHFLEET_NODE_ID; default: the hostname)")
    .option("--nats <urls>", "NATS server URL(s), comma-separated (env MESHFLEET_NATS_URL)")
    .option("--creds <file>", "NATS credentials file (env MESHFLEET_NATS_CREDS)")
    .option("--user <name>", "NATS user (env MESHFLEET_NATS_USER); the password only from env MESHFLEET_NATS_PASSWORD")
    .option("--interval <duration>", "collection interval, e.g. 10s (env MESHFLEET_INTERVAL)")
    .option("--buffer-size <n>", "snapshots kept while the broker is unreachable")
    .option("--wire <mode>", "snapshot encoding: delta (default: deltas against deflated keyframes), deflate (keyframes only) or json (for protocol version 1 controllers)")
    .option("--runner <type>", "local | ssh | prefixed")
    .option("--ssh-host <host>", "router to reach over ssh (agentless mode)")
    .option("--ssh-user <user>", "ssh user (default root)")
    .option("--ssh-port <port>", "ssh port")
    .option("--ssh-key <file>", "ssh private key")
    .option("--prefix <words>", 'argv prefix for every command, e.g. "ip netns exec r1"')
    .option("--routing <daemon>", "auto | bird1 | bird2 | babeld | none")
    .option("--log-level <level>", "debug | info | warn | error (env MESHFLEET_LOG_LEVEL)");
}
