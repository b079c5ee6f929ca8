import { Command } from "commander";
import type { ServeOptions } from "./serve-options";
import { registerJobCommand } from "./job-command";
import { registerTokenCommand } from "./token-command";
import { registerEnrollCommand } from "./enroll-command";
import { registerAlertsCommand } from "./alerts-command";
import { registerDiagCommand } from "./diag-command";
import { registerDoctorCommand } from "../doctor/command";
import { CONTROLLER_VERSION } from "./version";

export interface ProgramActions {
  serve(opts: ServeOptions): Promise<void>;
}

/**
 * The `meshfleet-controller` command line. Other features add their subcommands with a
 * `registerXCommand(program)` function imported here, one line each.
 */
export function createProgram(actions: ProgramActions): Command {
  const program = new Command("meshfleet-controller").description("meshfleet controller: telemetry ingest, history, API").version(CONTROLLER_VERSION).showHelpAfterError();

  program
    .command("serve")
    .description("run the controller: ingest telemetry from NATS into SQLite and serve the API")
    .requiredOption("--db <file|url>", "SQLite database file (created and migrated if missing), or postgres://user@host/database (migrated at start)")
    .option("--nats <urls>", "NATS server URL; several comma-separated (cluster members, failover)", "nats://127.0.0.1:4222")
    .option("--listen <host:port>", "API listen address", "127.0.0.1:8080")
    .option("--raw-retention <duration>", "keep raw samples this long", "48h")
    .option("--minute-retention <duration>", "keep per-minute rollups this long", "30d")
    .option("--quarter-retention <duration>", "keep per-quarter-hour rollups this long", "90d")
    .option("--hour-retention <duration>", "keep per-hour rollups this long", "365d")
    .option("--stream-max-age <duration>", "telemetry stream age limit (when the controller creates it)", "24h")
    .option("--stream-max-bytes <bytes>", "telemetry stream size limit (when the controller creates it)", String(1024 ** 3))
    .option("--node-rate <per-second>", "messages per second a node may send at ingest; 0: no limit (over-rate ones are dropped and raise node_flooding)", "5")
    .option("--node-burst <n>", "messages a node may send at once above its rate (a buffer flushed after an outage)", "600")
    .option("--clock-skew <duration>", "a node whose clock is further than this from the broker's gets clock_skew and its timestamps replaced by the broker's time; 0: off", "120s")
    .option("--ack-wait <duration>", "redeliver a message not acknowledged within this time (when the consumer is created)", "30s")
    .option("--batch <n>", "most messages per transaction", "500")
    .option("--commit-window <duration>", "a message waits up to this long for others to share its transaction (fewer, larger commits: far fewer bytes written, the API and alerts see snapshots up to this much later; hellos and job statuses commit at once, and so do --batch messages waiting); 0: none; auto: 15s, or half the ack wait when shorter", "auto")
    .option("--durable-every <duration>", "on SQLite, batches of snapshots share one open transaction, committed this often (the API sees each batch at once; its messages are acknowledged at the commit, a crash hands them back after the ack wait): half the bytes written for a home mesh of a commit per window; 0: commit every batch", "120s")
    .option("--log-level <level>", "log level", "info")
    .option("--synchronous <mode>", "SQLite synchronous: NORMAL survives a killed process, FULL also a power cut", "NORMAL")
    .option("--nkey-seed <file>", "the controller's NATS nkey seed file (see meshfleet-controller nats-config)")
    .option("--alerting <file>", "JSON file: churn/convergence/link-quality parameters, offline threshold, webhook sinks, notification targets (ntfy, Slack/Mattermost)")
    .option("--tls-ca <file>", "TLS to NATS: the CA that signed the server's certificate")
    .option("--tls-cert <file>", "TLS to NATS: client certificate (with --tls-key) when the server verifies clients")
    .option("--tls-key <file>", "TLS to NATS: the client certificate's key")
    .option("--stream-replicas <n>", "telemetry stream replicas: auto (3 on a cluster, else 1) or 1-5", "auto")
    .option("--sites <domains>", "site leaf nodes' JetStream domains, comma-separated: the telemetry stream sources their site streams")
    .option("--keys <dir>", "keys directory: lets admins enroll nodes through the API (POST /api/admin/enrollments/<node>)")
    .option("--nats-config <file>", "with --keys and --nats-pid-file: the accounts file nats-server includes, rewritten when a node is enrolled, rotated or revoked through the API")
    .option("--cluster-partitions <n>", "several controllers share the fleet (issue 18): its partitions, the count the broker's subject mapping uses (nats-config --partitions); off by default")
    .option("--controller-id <id>", "with --cluster-partitions: this controller's id among them (default: host name and process id)")
    .option("--lease-ttl <duration>", "with --cluster-partitions: a dead controller's partitions and duties move after this", "10s")
    .option("--nats-pid-file <file>", "nats-server's pid_file: the process told to reload (SIGHUP) after the accounts file is rewritten")
    .action(async (raw: Record<string, string>) => {
      const { serveOptions } = await import("./serve-options");
      await actions.serve(serveOptions.parse(raw));
    });

  registerJobCommand(program);
  registerTokenCommand(program);
  registerEnrollCommand(program);
  registerAlertsCommand(program);
  registerDiagCommand(program);
  registerDoctorCommand(program);
  return program;
}
