import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTelemetryStream, freePort, startNatsServer, tempDir, type RunningNatsServer } from "@meshfleet/testkit";
import { controllerCli, createTokenViaCli, repoRoot } from "../controller-helpers";

// `meshfleet-controller doctor` as users run it (the built bin), against a real
// nats-server and real database files: what passes, and each failure with its fix.
const KNOWN_MIGRATIONS = (JSON.parse(readFileSync(join(repoRoot, "migrations/drizzle/meta/_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function nats(config?: string): Promise<RunningNatsServer> {
  const srv = await startNatsServer(config ? { config } : {});
  cleanups.push(() => srv.dispose());
  return srv;
}
function dir(): string {
  const d = tempDir("mf-doctor-");
  cleanups.push(d.cleanup);
  return d.path;
}
function doctor(args: string[]) {
  const r = spawnSync(process.execPath, [...controllerCli, "doctor", "--timeout", "3s", ...args], { cwd: repoRoot, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, lines: r.stdout.trimEnd().split("\n"), text: r.stdout + r.stderr };
}
const line = (lines: string[], re: RegExp) => lines.find((l) => re.test(l));

describe("meshfleet-controller doctor", () => {
  it("passes on a migrated database and a broker with the telemetry stream; the missing consumer is a warning", async () => {
    const srv = await nats();
    await createTelemetryStream(srv.url);
    const db = join(dir(), "meshfleet.db");
    createTokenViaCli(db, "viewer"); // opens the store: creates and migrates the database
    const r = doctor(["--db", db, "--nats", srv.url]);
    expect(r.status, r.text).toBe(0);
    expect(line(r.lines, /^ok\s+node\s/)).toContain(`${process.version} (>= 20)`);
    expect(line(r.lines, /^ok\s+sqlite\s/)).toMatch(/better-sqlite3 loads \(SQLite 3\.\d+\.\d+\)/);
    expect(line(r.lines, /^ok\s+database\s/)).toContain(`${db} exists; it and its folder are writable`);
    expect(line(r.lines, /^ok\s+migrations\s/)).toContain(`current (${KNOWN_MIGRATIONS} applied)`);
    expect(line(r.lines, /^ok\s+disk\s/)).toMatch(/\d+ MiB free in /);
    expect(line(r.lines, /^ok\s+nats\s/)).toContain(`connected to 127.0.0.1:${srv.port}`);
    expect(line(r.lines, /^ok\s+stream\s/)).toContain("MESHFLEET_TELEMETRY: 0 messages, 1 replica(s)");
    expect(line(r.lines, /^WARN\s+consumer\s/)).toContain("meshfleet-controller does not exist yet");
    expect(r.lines.at(-1)).toBe("all checks passed (1 warning(s))");
  });

  it("fails with a fix for a missing database folder and an unreachable broker", async () => {
    const port = await freePort();
    const missing = join(dir(), "not-there");
    const r = doctor(["--db", join(missing, "meshfleet.db"), "--nats", `nats://127.0.0.1:${port}`]);
    expect(r.status, r.text).toBe(1);
    expect(line(r.lines, /^FAIL\s+database\s/)).toContain(`${missing} (missing)`);
    expect(r.text).toContain(`fix: create the folder and give it to the service user: install -d -o meshfleet -g meshfleet ${missing}`);
    expect(line(r.lines, /^FAIL\s+disk\s/)).toContain("ENOENT");
    expect(line(r.lines, /^FAIL\s+nats\s/)).toContain(`cannot connect to nats://127.0.0.1:${port}`);
    expect(r.text).toContain("fix: start nats-server (systemctl status nats-server)");
    expect(r.lines.at(-1)).toBe("3 check(s) failed");
  });

  it("reports pending migrations, a missing stream, and refused credentials", async () => {
    const plain = await nats();
    const db = join(dir(), "old.db");
    writeFileSync(db, ""); // an empty SQLite database: nothing applied yet
    const r = doctor(["--db", db, "--nats", plain.url]);
    expect(r.status, r.text).toBe(1);
    expect(line(r.lines, /^WARN\s+migrations\s/)).toContain(`${KNOWN_MIGRATIONS} of ${KNOWN_MIGRATIONS} migrations pending`);
    expect(line(r.lines, /^FAIL\s+stream\s/)).toContain("MESHFLEET_TELEMETRY is missing");
    expect(r.text).toContain("fix: start `meshfleet-controller serve` once (it creates the stream)");
    expect(r.lines.at(-1)).toBe("1 check(s) failed, 1 warning(s)");

    const locked = await nats("authorization { user: someone, password: secret }");
    const a = doctor(["--db", db, "--nats", locked.url]);
    expect(a.status, a.text).toBe(1);
    expect(line(a.lines, /^FAIL\s+nats\s/)).toMatch(/cannot connect to .*: .*[Aa]uthorization/);
    expect(a.text).toContain("fix: check --nkey-seed");
  });
});
