import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTelemetryStream, startNatsServer, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { decode, snapshot as snapshotSchema } from "@meshfleet/shared";
import { readTelemetryStream, snapshotsOf, hellosOf } from "../../testing/agent-test-support";

const AGENT_DIR = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "mf-bundle-"));
const bundle = join(dir, "meshfleet-agent.mjs");
let srv: RunningNatsServer | null = null;

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(AGENT_DIR, "build.mjs"), bundle], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}, 60_000);
afterAll(async () => {
  await srv?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function agent(args: string[], env: Record<string, string> = {}) {
  // Only PATH and what the test sets: no MESHFLEET_* from the developer's shell.
  return spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env }, timeout: 30_000 });
}

describe("the single-file bundle", () => {
  it("is one file that runs --help with nothing but node", () => {
    expect(statSync(bundle).size).toBeGreaterThan(50_000);
    const r = agent(["--help"]);
    expect(r.status).toBe(0);
    for (const c of ["run", "collect", "parse"]) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, "m"));
    // The simulator is @meshfleet/sim: the router bundle carries none of it.
    expect(r.stdout).not.toMatch(/^\s+simulate\b/m);
    const text = readFileSync(bundle, "utf8");
    expect(text).not.toContain("unknown simulated node");
    expect(text).not.toContain("out of radio range of each other");
  });

  it("collect --once prints one snapshot of this machine that validates", () => {
    const r = agent(["collect", "--once", "--node-id", "bundle-test", "--routing", "none"]);
    expect(r.status, r.stderr).toBe(0);
    const parsed = decode(snapshotSchema, JSON.parse(r.stdout), "snapshot");
    expect(parsed.ok).toBe(true);
    const s = parsed.ok ? parsed.value : null;
    expect(s?.node).toBe("bundle-test");
    expect(s?.seq).toBe(1);
    expect(s?.system.data?.uptimeSec).toBeGreaterThan(0);
    expect(s?.system.data?.addresses.some((a) => a.address === "127.0.0.1" && a.scope === "host")).toBe(true);
    expect(s?.routing.data?.daemon).toBe("none");
  });

  it("exits 2 naming the field on a bad configuration", () => {
    const r = agent(["run", "--node-id", "r1", "--nats", "nats://127.0.0.1:4222", "--interval", "5"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/config: intervalMs: /);
    expect(agent(["run", "--node-id", "r1"]).stderr).toMatch(/nats\.servers: required/);
  });

  it("runs against a real nats-server and shuts down cleanly on SIGTERM", async () => {
    srv = await startNatsServer();
    await createTelemetryStream(srv.url);
    const child = spawn(process.execPath, [bundle, "run", "--node-id", "bundle-run", "--interval", "200ms", "--routing", "none", "--user", "agent"], {
      env: { PATH: process.env.PATH ?? "", MESHFLEET_NATS_URL: srv.url, MESHFLEET_NATS_PASSWORD: "not-checked-by-this-server" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitFor(async () => snapshotsOf(await readTelemetryStream(srv!.url)).length >= 2, { timeoutMs: 15_000, what: "snapshots from the bundle" });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
    const msgs = await readTelemetryStream(srv.url);
    expect(hellosOf(msgs)[0]?.node).toBe("bundle-run");
    expect(snapshotsOf(msgs).map((s) => s.seq).slice(0, 2)).toEqual([1, 2]);
    const events = stderr.trim().split("\n").map((l) => (JSON.parse(l) as { event?: string }).event);
    expect(events).toEqual(expect.arrayContaining(["config", "start", "hello", "shutdown", "stop"]));
    expect(stderr).not.toContain("not-checked-by-this-server");
  });
});
