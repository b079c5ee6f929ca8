import type { Command } from "commander";
import { parseDuration, parseServers } from "../cli/options";

/**
 * `meshfleet-controller doctor --db FILE|URL [--nats URLS] [--nkey-seed FILE] [--tls-*]`: the
 * same flags as `serve`; checks Node, better-sqlite3, the database (a SQLite file and its
 * disk, or a PostgreSQL server over its connection),
 * NATS and the telemetry stream, prints one line per check with what to fix, and exits 1
 * when one failed. Run it as the service user (sudo -u meshfleet ...).
 */
export function registerDoctorCommand(program: Command, out: (text: string) => void = (t) => process.stdout.write(t)): void {
  program
    .command("doctor")
    .description("check what the controller needs (node, better-sqlite3, database, disk, NATS, stream) and say what to fix")
    .requiredOption("--db <file|url>", "SQLite database file or postgres:// URL, as given to serve")
    .option("--nats <urls>", "NATS server URL(s), as given to serve", "nats://127.0.0.1:4222")
    .option("--nkey-seed <file>", "the controller's NATS nkey seed file")
    .option("--tls-ca <file>", "TLS to NATS: CA file")
    .option("--tls-cert <file>", "TLS to NATS: client certificate")
    .option("--tls-key <file>", "TLS to NATS: client key")
    .option("--timeout <duration>", "how long to wait for NATS and PostgreSQL", "5s")
    .action(async (o: { db: string; nats: string; nkeySeed?: string; tlsCa?: string; tlsCert?: string; tlsKey?: string; timeout: string }) => {
      const { formatReport, runDoctor } = await import("./checks");
      const results = await runDoctor({
        db: o.db,
        servers: parseServers(o.nats),
        timeoutMs: parseDuration(o.timeout, "--timeout"),
        ...(o.nkeySeed ? { nkeySeedFile: o.nkeySeed } : {}),
        tls: { caFile: o.tlsCa, certFile: o.tlsCert, keyFile: o.tlsKey },
      });
      out(formatReport(results));
      if (results.some((r) => r.status === "fail")) process.exitCode = 1;
    });
}
