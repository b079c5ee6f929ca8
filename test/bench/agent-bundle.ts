import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { routerOutputs, type RouterProfile } from "@meshfleet/agent/testing";
import { TELEMETRY_STREAM, subjects } from "@meshfleet/shared";
import { waitFor } from "@meshfleet/testkit";
import type * as Esbuild from "esbuild";

/**
 * The bundled agent (agent/dist/meshfleet-agent.mjs: `npm run build` first) run by another
 * Node (18, the oldest supported) against a canned router behind the prefixed runner, for
 * the agent-rss and agent-cycle benchmarks.
 */
export const AGENT_DIR = join(import.meta.dirname, "../../agent");
export const BUNDLE = join(AGENT_DIR, "dist", "meshfleet-agent.mjs");
/** The bench profile of issue 17: 20 stations, 10 mesh paths, 20 routes, 10 counters. */
export const BENCH_ROUTER: RouterProfile = { node: 7, stations: 20, meshPaths: 10, routes: 20, counters: 10 };

/** Node flag sets compared (V8 heap and thread options); indices are stable (`--flag-sets`), new sets go last. */
export const FLAG_SETS: [string, string[]][] = [
  ["no flags", []],
  ["--max-semi-space-size=1", ["--max-semi-space-size=1"]],
  ["--max-semi-space-size=1 --v8-pool-size=1", ["--max-semi-space-size=1", "--v8-pool-size=1"]],
  ["--max-semi-space-size=1 --v8-pool-size=1 --max-old-space-size=24", ["--max-semi-space-size=1", "--v8-pool-size=1", "--max-old-space-size=24"]],
  ["--max-semi-space-size=1 --v8-pool-size=1 --jitless", ["--max-semi-space-size=1", "--v8-pool-size=1", "--jitless"]],
  ["--max-semi-space-size=1 --v8-pool-size=1 --lite-mode", ["--max-semi-space-size=1", "--v8-pool-size=1", "--lite-mode"]],
  ["--max-semi-space-size=1 --single-threaded", ["--max-semi-space-size=1", "--single-threaded"]],
  ["--max-semi-space-size=1 --single-threaded --lite-mode", ["--max-semi-space-size=1", "--single-threaded", "--lite-mode"]],
  ["--max-semi-space-size=1 --v8-pool-size=1 --no-opt", ["--max-semi-space-size=1", "--v8-pool-size=1", "--no-opt"]],
];

/**
 * The flag sets chosen by `--flag-sets 0,2,5` (indices into FLAG_SETS; all when absent), and
 * the bundles by `--bundle FILE` (repeatable; default the built one), so that an older build
 * can be measured beside the new one in the same run.
 */
export function benchChoices(f: { "flag-sets"?: string | undefined; bundle?: string[] | undefined }): { flagSets: [string, string[]][]; bundles: string[] } {
  const flagSets = f["flag-sets"] ? f["flag-sets"].split(",").map((i) => FLAG_SETS[Number(i)] ?? fail(`--flag-sets: no flag set ${i} (0-${FLAG_SETS.length - 1})`)) : FLAG_SETS;
  return { flagSets, bundles: f.bundle && f.bundle.length > 0 ? f.bundle : [BUNDLE] };
}
function fail(message: string): never {
  throw new Error(message);
}
/** A bundle's name in a report line: the file name alone when several are compared. */
export const bundleLabel = (bundle: string, bundles: string[]) => (bundles.length > 1 ? ` [${bundle.split("/").pop()}]` : "");

export const kB = (status: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);

/**
 * /proc/<pid>/status of an idle Node (`-e` with a timer) started with `flags`, 2 s after
 * its start: the floor under an agent run with the same flags.
 */
export async function idleStatus(node: string, flags: string[]): Promise<string> {
  const idle = spawn(node, [...flags, "-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 2000));
    return readFileSync(`/proc/${idle.pid}/status`, "utf8");
  } finally {
    idle.kill("SIGKILL");
  }
}

/** utime + stime of a process, in ms (clock ticks of 10 ms): its own CPU, not its children's. */
export function cpuMsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

export interface BundledAgent {
  child: ChildProcess;
  nodeId: string;
  /** Snapshots of this agent in the stream so far. */
  snapshots(): Promise<number>;
  stderr(): string;
}

/** Writes the canned answers once; each agent's config names them. */
export function writeAnswers(dir: string, profile: RouterProfile = BENCH_ROUTER): string {
  const answers = join(dir, "answers.json");
  writeFileSync(answers, JSON.stringify(Object.fromEntries(routerOutputs(profile))));
  return answers;
}

/** Starts `run` of the bundle under `node` with `flags`, publishing to `natsUrl` every `intervalMs`. */
export function startBundledAgent(o: { node: string; flags: string[]; dir: string; answers: string; natsUrl: string; nodeId: string; intervalMs: number; bundle?: string }): BundledAgent {
  const config = join(o.dir, `${o.nodeId}.json`);
  writeFileSync(
    config,
    JSON.stringify({ nodeId: o.nodeId, nats: { servers: [o.natsUrl] }, intervalMs: o.intervalMs, commandTimeoutMs: 10_000, routing: "bird2", runner: { type: "prefixed", prefix: [o.node, join(AGENT_DIR, "testing", "canned-command.mjs"), o.answers] } }),
  );
  const child = spawn(o.node, [...o.flags, o.bundle ?? BUNDLE, "run", "--config", config], { env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const snapshots = () => storedOn(o.natsUrl, subjects.telemetry(o.nodeId));
  return { child, nodeId: o.nodeId, snapshots, stderr: () => stderr };
}

/**
 * Messages the telemetry stream holds on `subject`, from the stream's per-subject counts
 * (one request: reading the stream back would cost this machine more CPU the longer the
 * run, beside the agent being measured).
 */
async function storedOn(natsUrl: string, subject: string): Promise<number> {
  const nc = await connect({ servers: natsUrl });
  try {
    const info = await (await jetstreamManager(nc)).streams.info(TELEMETRY_STREAM, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  } finally {
    await nc.close();
  }
}

/** Waits until the agent has published `n` snapshots in all. */
export async function untilSnapshots(a: BundledAgent, n: number): Promise<void> {
  await waitFor(async () => (await a.snapshots()) >= n, { timeoutMs: 180_000, intervalMs: 100, what: `${n} snapshots from ${a.nodeId}; agent log:\n${a.stderr()}` });
}

/**
 * Builds the same-run ceiling of a cycle into `outfile`: a Node 18 script that runs the
 * agent's collect + parse + snapshot build + JSON of the same canned texts, served from
 * memory (no process spawned, nothing published), `cycles` times after `warmup`, and prints
 * its CPU per cycle in ms.
 */
export async function buildCeiling(outfile: string, profile: RouterProfile = BENCH_ROUTER): Promise<void> {
  // esbuild is the agent's build tool: resolved from the agent package, as agent/build.mjs does
  const { build } = createRequire(join(AGENT_DIR, "package.json"))("esbuild") as typeof Esbuild;
  const contents = `
import { Agent, silentLog } from "./src/index.ts";
import { CannedRouter } from "./testing/canned-router.ts";
const [cycles, warmup] = process.argv.slice(2).map(Number);
const agent = new Agent({ nodeId: "r7", runner: new CannedRouter(${JSON.stringify(profile)}), log: silentLog, intervalMs: 10000, bufferSize: 10, mode: "local", agentVersion: "bench", routing: "bird2", birdSocket: false });
for (let i = 0; i < warmup; i++) JSON.stringify(await agent.collectOnce());
const cpu0 = process.cpuUsage();
for (let i = 0; i < cycles; i++) JSON.stringify(await agent.collectOnce());
const cpu = process.cpuUsage(cpu0);
process.stdout.write(String((cpu.user + cpu.system) / 1000 / cycles));
`;
  await build({
    stdin: { contents, resolveDir: AGENT_DIR, sourcefile: "cycle-ceiling.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    mainFields: ["module", "main"],
    format: "esm",
    target: "node18",
    outfile,
    banner: { js: 'import { createRequire as __mfCreateRequire } from "node:module";\nconst require = __mfCreateRequire(import.meta.url);' },
    logLevel: "warning",
  });
}
