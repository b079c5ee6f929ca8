import { statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { TELEMETRY_STREAM } from "@meshfleet/shared";
import { controllerConnectOptions, type ControllerNatsOptions } from "../nats-connect";
import { inspectDatabase, inspectPgDatabase, isPostgresUrl, probeSqlite, type PgInspection } from "../store/index";
import { DEFAULT_DURABLE } from "../ingest/ingest";

/** One thing `doctor` checked: `fix` says what to do when it is not ok. */
export interface CheckResult {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

/** The oldest Node the controller runs on (controller/package.json `engines`). */
export const MIN_NODE_MAJOR = 20;
/** Below this much free space next to the database, the ingest will soon fail to write. */
export const MIN_FREE_BYTES = 512 * 1024 ** 2;

export function checkNodeVersion(version: string): CheckResult {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  return major >= MIN_NODE_MAJOR
    ? { name: "node", status: "ok", detail: `${version} (>= ${MIN_NODE_MAJOR})` }
    : { name: "node", status: "fail", detail: `${version}: the controller needs Node ${MIN_NODE_MAJOR} or later`, fix: `install Node ${MIN_NODE_MAJOR} or 22 (e.g. the NodeSource or Debian trixie package)` };
}

export function checkSqlite(probe = probeSqlite): CheckResult {
  const p = probe();
  return p.ok
    ? { name: "sqlite", status: "ok", detail: `better-sqlite3 loads (SQLite ${p.version})` }
    : { name: "sqlite", status: "fail", detail: `better-sqlite3 does not load: ${p.error}`, fix: "its native module was not built (npm 11 blocks install scripts): run `npm rebuild better-sqlite3` in the install folder (build-essential and python3 needed when no prebuilt binary matches)" };
}

export function checkDatabase(file: string): CheckResult[] {
  let d;
  try {
    d = inspectDatabase(file);
  } catch (err) {
    return [{ name: "database", status: "fail", detail: `${file}: ${(err as Error).message}`, fix: "the file is not a meshfleet SQLite database, or is damaged: restore it from a backup or move it away" }];
  }
  const out: CheckResult[] = [];
  out.push(
    d.writable
      ? { name: "database", status: "ok", detail: `${file} ${d.exists ? "exists" : "will be created"}; it and its folder are writable` }
      : { name: "database", status: "fail", detail: `not writable by uid ${process.getuid?.() ?? "?"}: ${d.notWritable.join(", ")}`, fix: `create the folder and give it to the service user: install -d -o meshfleet -g meshfleet ${dirname(resolve(file))}` },
  );
  if (d.newerThanBuild) {
    out.push({ name: "migrations", status: "fail", detail: `the database has migrations newer than this build (${d.applied} applied, ${d.known} known)`, fix: "run the controller version that last wrote this database, or a newer one" });
  } else if (!d.exists) {
    out.push({ name: "migrations", status: "ok", detail: `${d.known} migrations will be applied when serve creates the database` });
  } else if (d.pending > 0) {
    out.push({ name: "migrations", status: "warn", detail: `${d.pending} of ${d.known} migrations pending`, fix: "serve applies them at start; back up the database first (sqlite3 FILE '.backup FILE.bak')" });
  } else {
    out.push({ name: "migrations", status: "ok", detail: `current (${d.applied} applied)` });
  }
  return out;
}

/** A PostgreSQL store: the server answers, the user may create the tables, the migrations. */
export async function checkPgDatabase(url: string, timeoutMs: number, inspect: (url: string, timeoutMs: number) => Promise<PgInspection> = inspectPgDatabase): Promise<CheckResult[]> {
  let d: PgInspection;
  try {
    d = await inspect(url, timeoutMs);
  } catch (err) {
    return [{ name: "database", status: "fail", detail: (err as Error).message, fix: "start PostgreSQL (systemctl status postgresql), check the URL, the user and pg_hba.conf, and that the database exists (createdb)" }];
  }
  const out: CheckResult[] = [
    d.canCreate || d.pending === 0
      ? { name: "database", status: "ok", detail: `${d.url}: PostgreSQL ${d.version}` }
      : { name: "database", status: "fail", detail: `${d.url}: the user may not create tables, and ${d.pending} migrations are pending`, fix: "make the user the database's owner (ALTER DATABASE ... OWNER TO ...), or apply the migrations as the owner once" },
  ];
  if (d.newerThanBuild) out.push({ name: "migrations", status: "fail", detail: `the database has migrations newer than this build (${d.applied} applied, ${d.known} known)`, fix: "run the controller version that last wrote this database, or a newer one" });
  else if (d.applied === 0) out.push({ name: "migrations", status: "ok", detail: `${d.known} migrations will be applied when serve first opens the database` });
  else if (d.pending > 0) out.push({ name: "migrations", status: "warn", detail: `${d.pending} of ${d.known} migrations pending`, fix: "serve applies them at start; back up the database first (pg_dump)" });
  else out.push({ name: "migrations", status: "ok", detail: `current (${d.applied} applied)` });
  return out;
}

export function checkDisk(file: string, statfs: (dir: string) => { bavail: number; bsize: number } = statfsSync): CheckResult {
  const dir = dirname(resolve(file));
  let free: number;
  try {
    const s = statfs(dir);
    free = s.bavail * s.bsize;
  } catch (err) {
    return { name: "disk", status: "fail", detail: `${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, fix: `create ${dir}` };
  }
  const mib = Math.floor(free / 1024 ** 2);
  return free >= MIN_FREE_BYTES
    ? { name: "disk", status: "ok", detail: `${mib} MiB free in ${dir}` }
    : { name: "disk", status: "fail", detail: `${mib} MiB free in ${dir} (needs ${MIN_FREE_BYTES / 1024 ** 2} MiB)`, fix: "free space or shorten --raw-retention / --minute-retention" };
}

/** Connects once (no retries), then asks JetStream for the telemetry stream and the controller's consumer. */
export async function checkNats(o: ControllerNatsOptions & { timeoutMs: number }): Promise<CheckResult[]> {
  const servers = (typeof o.servers === "string" ? [o.servers] : [...o.servers]).join(",");
  let nc: NatsConnection;
  try {
    nc = await connect({ ...controllerConnectOptions(o), reconnect: false, maxReconnectAttempts: 0, timeout: o.timeoutMs, name: "meshfleet-controller doctor" });
  } catch (err) {
    const msg = (err as Error).message;
    const auth = /author|auth|permission|nkey|user/i.test(msg);
    return [
      {
        name: "nats",
        status: "fail",
        detail: `cannot connect to ${servers}: ${msg}`,
        fix: auth ? "check --nkey-seed (the controller's seed from `meshfleet-controller nats-config`, <keys>/_controller.nk) matches the server's configuration" : "start nats-server (systemctl status nats-server) and check --nats and the firewall",
      },
    ];
  }
  const out: CheckResult[] = [{ name: "nats", status: "ok", detail: `connected to ${nc.getServer()}` }];
  try {
    const jsm = await jetstreamManager(nc, { timeout: o.timeoutMs });
    try {
      const info = await jsm.streams.info(TELEMETRY_STREAM);
      out.push({ name: "stream", status: "ok", detail: `${TELEMETRY_STREAM}: ${info.state.messages} messages, ${info.config.num_replicas} replica(s)` });
    } catch (err) {
      out.push({ name: "stream", status: "fail", detail: `${TELEMETRY_STREAM} is missing: ${(err as Error).message}`, fix: "start `meshfleet-controller serve` once (it creates the stream), or check the account the controller's key belongs to" });
      return out;
    }
    try {
      const c = await jsm.consumers.info(TELEMETRY_STREAM, DEFAULT_DURABLE);
      out.push({ name: "consumer", status: "ok", detail: `${DEFAULT_DURABLE}: ${c.num_pending} pending, ${c.num_ack_pending} unacknowledged` });
    } catch {
      out.push({ name: "consumer", status: "warn", detail: `${DEFAULT_DURABLE} does not exist yet`, fix: "serve creates it at start; until then nothing reads the telemetry" });
    }
  } catch (err) {
    out.push({ name: "jetstream", status: "fail", detail: `JetStream does not answer: ${(err as Error).message}`, fix: "enable JetStream in nats-server.conf (jetstream { store_dir: /var/lib/nats }) and restart it" });
  } finally {
    await nc.close();
  }
  return out;
}

export interface DoctorOptions extends ControllerNatsOptions {
  db: string;
  timeoutMs: number;
}

/**
 * Every check, in the order a person fixes them (the runtime, then the store, then the
 * broker). A PostgreSQL store is checked over its connection; its disk is the server's.
 */
export async function runDoctor(o: DoctorOptions): Promise<CheckResult[]> {
  const results = [checkNodeVersion(process.version), checkSqlite()];
  if (isPostgresUrl(o.db)) results.push(...(await checkPgDatabase(o.db, o.timeoutMs)));
  else {
    if (results[1]?.status === "ok") results.push(...checkDatabase(o.db));
    results.push(checkDisk(o.db));
  }
  results.push(...(await checkNats(o)));
  return results;
}

/** One line per check, then what to fix; ends with a summary line. */
export function formatReport(results: readonly CheckResult[]): string {
  const label = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;
  const lines = results.map((r) => `${label[r.status]}  ${r.name.padEnd(10)} ${r.detail}${r.fix && r.status !== "ok" ? `\n      ${"".padEnd(10)} fix: ${r.fix}` : ""}`);
  const failed = results.filter((r) => r.status === "fail").length;
  const warned = results.filter((r) => r.status === "warn").length;
  lines.push(failed > 0 ? `${failed} check(s) failed${warned ? `, ${warned} warning(s)` : ""}` : `all checks passed${warned ? ` (${warned} warning(s))` : ""}`);
  return `${lines.join("\n")}\n`;
}
