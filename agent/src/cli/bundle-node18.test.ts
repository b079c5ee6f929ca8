import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTelemetryStream, nodeBinary, OLDEST_AGENT_NODE, startNatsServer, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { readTelemetryStream, snapshotsOf, hellosOf, routerOutputs } from "../../testing";

// Routers run Node 18 to 22: the bundle runs under the oldest Node the agent claims
// (agent/package.json engines), against a real nats-server, with a canned router behind
// the prefixed runner (the canned answers are a program run by that same Node).
const AGENT_DIR = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "mf-node18-"));
const bundle = join(dir, "meshfleet-agent.mjs");
let node18 = "";
let srv: RunningNatsServer | null = null;

beforeAll(() => {
  node18 = nodeBinary(OLDEST_AGENT_NODE);
  const r = spawnSync(process.execPath, [join(AGENT_DIR, "build.mjs"), bundle], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}, 300_000);
afterAll(async () => {
  await srv?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the agent bundle on Node ${OLDEST_AGENT_NODE}`, () => {
  it("is the oldest Node agent/package.json claims", () => {
    const pkg = JSON.parse(readFileSync(join(AGENT_DIR, "package.json"), "utf8")) as { engines?: { node?: string } };
    expect(pkg.engines?.node).toBe(`>=${OLDEST_AGENT_NODE.split(".")[0]}`);
    expect(spawnSync(node18, ["--version"], { encoding: "utf8" }).stdout.trim()).toBe(`v${OLDEST_AGENT_NODE}`);
  });

  it("starts, publishes snapshots of the canned router and exits 0 on SIGTERM", async () => {
    srv = await startNatsServer();
    await createTelemetryStream(srv.url);
    const answers = join(dir, "answers.json");
    writeFileSync(answers, JSON.stringify(Object.fromEntries(routerOutputs({ node: 7, stations: 4, meshPaths: 2, routes: 3, counters: 2 }))));
    const config = join(dir, "agent.json");
    writeFileSync(
      config,
      JSON.stringify({
        nodeId: "old-node",
        nats: { servers: [srv.url] },
        intervalMs: 2000,
        commandTimeoutMs: 10_000,
        routing: "bird2",
        runner: { type: "prefixed", prefix: [node18, join(AGENT_DIR, "testing", "canned-command.mjs"), answers] },
      }),
    );
    const child = spawn(node18, [bundle, "run", "--config", config], { env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitFor(async () => snapshotsOf(await readTelemetryStream(srv!.url)).length >= 2, { timeoutMs: 20_000, what: `two snapshots from the bundle on Node ${OLDEST_AGENT_NODE}; agent log:\n${stderr}` });
      child.kill("SIGTERM");
      expect(await exited, stderr).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
    const msgs = await readTelemetryStream(srv.url);
    expect(hellosOf(msgs)[0]?.node).toBe("old-node");
    const [first] = snapshotsOf(msgs);
    expect(first?.seq).toBe(1);
    // What the canned router answered, parsed by the bundle under Node 18.
    expect(first?.system.errors).toEqual([]);
    expect(first?.system.data?.uptimeSec).toBe(35_007.47);
    expect(first?.system.data?.hostname).toBe("r7");
    expect(first?.stations.errors).toEqual([]);
    expect(first?.stations.data?.stations.map((s) => s.iface).sort()).toEqual(["mesh0", "mesh0", "wlan0", "wlan0"]); // 2 mesh peers, 2 clients
    expect(first?.meshPaths.data?.paths.length).toBe(2);
    expect(first?.routing.data?.daemon).toBe("bird2");
    const events = stderr.trim().split("\n").map((l) => (JSON.parse(l) as { event?: string }).event);
    expect(events).toEqual(expect.arrayContaining(["config", "start", "hello", "shutdown", "stop"]));
  });
});
