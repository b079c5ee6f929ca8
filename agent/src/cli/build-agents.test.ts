import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { connect } from "@nats-io/transport-node";
import { subjects, type Job } from "@meshfleet/shared";
import { createTelemetryStream, startNatsServer, tempDir, waitFor } from "@meshfleet/testkit";
import { agentConfig } from "../config/schema";
import { memoryLog } from "../log/types";
import { readTelemetryStream, hellosOf, jobStatusesOf, snapshotsOf } from "../../testing/agent-test-support";
import { buildAgents, type BuiltAgents } from "./build-agents";

let built: BuiltAgents | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  if (built) {
    await Promise.all(built.agents.map((a) => a.stop()));
    await Promise.all(built.publishers.map((p) => p.close()));
    built = null;
  }
  for (const c of cleanups.splice(0)) await c();
});

describe("buildAgents (one process, several routers)", () => {
  it("runs one agent per node entry over one shared connection, each with its own identity", async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    await createTelemetryStream(srv.url);
    const config = agentConfig.parse({
      nodeId: "companion",
      nats: { servers: [srv.url] },
      intervalMs: 200,
      routing: "none",
      nodes: [
        { nodeId: "attic", runner: { type: "local" }, tags: ["home"] },
        { nodeId: "cellar", runner: { type: "prefixed", prefix: ["env", "MF_NODE=cellar"] } },
      ],
    });
    built = buildAgents(config, undefined, memoryLog());
    expect(built.agents.map((a) => a.nodeId)).toEqual(["attic", "cellar"]);
    expect(built.publishers).toHaveLength(1);
    for (const a of built.agents) a.start();
    const msgs = await waitFor(async () => {
      const m = await readTelemetryStream(srv.url);
      return new Set(snapshotsOf(m).map((s) => s.node)).size === 2 ? m : null;
    });
    const hellos = hellosOf(msgs);
    expect(hellos.map((h) => [h.node, h.mode, h.tags]).sort()).toEqual([
      ["attic", "local", ["home"]],
      ["cellar", "prefixed", []],
    ]);
    expect(new Set(hellos.map((h) => h.boot)).size).toBe(2);
  });

  it("gives a node with its own credentials its own connection, and refuses duplicate node ids", () => {
    const config = agentConfig.parse({
      nodeId: "companion",
      nats: { servers: ["nats://127.0.0.1:9"] },
      nodes: [
        { nodeId: "r1", runner: { type: "ssh", host: "10.0.0.1" } },
        { nodeId: "r2", runner: { type: "ssh", host: "10.0.0.2" }, credsFile: "/etc/meshfleet/r2.creds" },
        { nodeId: "r3", runner: { type: "ssh", host: "10.0.0.3" } },
      ],
    });
    expect(() => buildAgents(config, undefined, memoryLog())).toThrow(/r2\.creds/);
    const dup = agentConfig.safeParse({ nodeId: "c", nodes: [{ nodeId: "r1", runner: { type: "local" } }, { nodeId: "r1", runner: { type: "local" } }] });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.message).toBe("node ids must be unique");
  });
});

describe("buildAgents: configuration jobs on a router agent", () => {
  const uciSource = fileURLToPath(new URL("../../../uci/testing/uci-cli-main.ts", import.meta.url));
  const configCat = fileURLToPath(new URL("../../testing/config-root-cat.mjs", import.meta.url));
  // The job runs uci several times through real processes: bundled once to JavaScript, each
  // call is a plain node start instead of a TypeScript loader's (seconds on a loaded machine).
  const out = tempDir("mf-uci-cli-");
  const uciMain = join(out.path, "uci-cli-main.mjs");
  afterAll(() => out.cleanup());
  beforeAll(async () => {
    await build({ entryPoints: [uciSource], bundle: true, platform: "node", format: "esm", outfile: uciMain, logLevel: "error" });
  });

  it("applies a job through uci on its runner (real processes), reports it verified, keeps its state file, and says uci-jobs in its hello", async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    await createTelemetryStream(srv.url);
    const root = tempDir("mf-router-uci-");
    const state = tempDir("mf-router-jobs-");
    cleanups.push(() => Promise.resolve(root.cleanup()), () => Promise.resolve(state.cleanup()));
    writeFileSync(join(root.path, "wireless"), "\nconfig wifi-device 'radio1'\n\toption channel '36'\n");
    const config = agentConfig.parse({
      nodeId: "r1",
      nats: { servers: [srv.url] },
      intervalMs: 200,
      // each uci call is a process start: generous on a loaded machine (the default is 5 s)
      commandTimeoutMs: 20_000,
      routing: "none",
      jobs: { stateDir: state.path },
      runner: {
        type: "prefixed",
        programs: { uci: [process.execPath, uciMain, root.path], cat: [process.execPath, configCat, root.path], wifi: ["true"] },
      },
    });
    built = buildAgents(config, undefined, memoryLog());
    const [agent] = built.agents;
    agent!.start();
    const hello = await waitFor(async () => hellosOf(await readTelemetryStream(srv.url))[0] ?? null);
    expect(hello.capabilities).toContain("uci-jobs");

    const job: Job = {
      type: "job",
      v: 1,
      id: "job-router-1",
      node: "r1",
      attempt: 1,
      createdAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
      description: "mesh channel 44",
      ops: [{ op: "set", config: "wireless", section: "radio1", option: "channel", value: "44" }],
      reloads: ["wifi"],
      verify: { deadlineMs: 60_000 },
    };
    const nc = await connect({ servers: srv.url });
    cleanups.push(() => nc.close());
    nc.publish(subjects.job("r1"), JSON.stringify(job));
    await nc.flush();
    const statuses = await waitFor(async () => {
      const s = jobStatusesOf(await readTelemetryStream(srv.url)).filter((x) => x.jobId === job.id);
      return s.some((x) => ["verified", "failed", "rolled_back"].includes(x.state)) ? s : null;
    }, { timeoutMs: 25_000, what: "the job's final status" });
    expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(["received", "applied", "verified"]));
    expect(statuses.at(-1)?.state).toBe("verified");
    expect(readFileSync(join(root.path, "wireless"), "utf8")).toBe("\nconfig wifi-device 'radio1'\n\toption channel '44'\n\n");
    expect(existsSync(join(state.path, "jobs.json"))).toBe(true);
    expect(readFileSync(join(state.path, "jobs.json"), "utf8")).toContain("job-router-1");
  });

  it("takes no jobs when jobs.enabled is false (no uci-jobs in its hello)", async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    await createTelemetryStream(srv.url);
    const config = agentConfig.parse({ nodeId: "r9", nats: { servers: [srv.url] }, intervalMs: 200, routing: "none", jobs: { enabled: false } });
    built = buildAgents(config, undefined, memoryLog());
    built.agents[0]!.start();
    const hello = await waitFor(async () => hellosOf(await readTelemetryStream(srv.url))[0] ?? null);
    expect(hello.node).toBe("r9");
    expect(hello.capabilities).not.toContain("uci-jobs");
  });
});
