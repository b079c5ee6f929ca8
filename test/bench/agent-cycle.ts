import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTelemetryStream, nodeBinary, OLDEST_AGENT_NODE, startNatsServer } from "@meshfleet/testkit";
import { durationMs, subjects } from "@meshfleet/shared";
import { Agent, LocalRunner, NatsPublisher, Outbox, silentLog, type AgentOptions, type CommandResult, type CommandRunner } from "@meshfleet/agent";
import { CannedRouter, routerOutputs, type RouterProfile } from "@meshfleet/agent/testing";
import { benchChoices, bundleLabel, buildCeiling, cpuMsOf, kB, startBundledAgent, untilSnapshots, writeAnswers } from "./agent-bundle";

/**
 * Agent cost per cycle for one node with 50 stations, 20 mesh paths, 50 routes and 30
 * nft counters (router text generated in the formats iw 6.x / BIRD 2 / nft 1.0 JSON /
 * OpenWrt ubus print), measured three ways:
 *   1. collect + parse + build + serialise, outputs served from memory (the agent's own work);
 *   2. the same with every command a real process (`cat` of the text: spawn cost included;
 *      /proc files read directly, as the local runner does), every command every cycle;
 *      then with the agent's defaults (board/wireless/prefixes every 6th cycle), then also
 *      with BIRD read over a control socket (a stand-in BIRD process) instead of birdc;
 *   3. 1 + JetStream publish with ack to a real nats-server.
 * CPU is process.cpuUsage() (user+system of this process), wall is per cycle. Then the
 * real thing, once per Node flag set (`agent-bundle.ts`): the single-file bundle on Node 18
 * running `run` against a canned bench-profile router (commands as real processes) and a
 * real nats-server, its own CPU per cycle from /proc next to the same-run ceiling (the bare
 * cycle over the same texts in memory, same Node and flags), and its VmRSS.
 *
 *   npm run bench -- agent-cycle [--cycles 1000] [--warmup 100] [--bundle-cycles 60]
 *     [--bundle-warmup 10] [--bundle-interval 250ms] [--bundle FILE]... [--flag-sets 0,2,5]
 *     [--bundle-only]
 * `--bundle FILE` (repeatable) runs other builds beside the built one, each flag set in turn;
 * `--flag-sets` picks flag sets by their index in FLAG_SETS (agent-bundle.ts); `--bundle-only`
 * skips the in-process measurements. The ceiling is built from the current source.
 */
const PROFILE: RouterProfile = { node: 7, stations: 50, meshPaths: 20, routes: 50, counters: 30 };

/** Serves each command's text by running `cat` on a file holding it: real spawns, same text. */
class CatRunner implements CommandRunner {
  readonly description = "cat files";
  readonly #local = new LocalRunner();
  readonly #files = new Map<string, string>();
  constructor(dir: string) {
    let i = 0;
    for (const [cmd, text] of routerOutputs(PROFILE)) {
      const f = join(dir, `out-${i++}.txt`);
      writeFileSync(f, text);
      this.#files.set(cmd, f);
    }
  }
  run(argv: readonly string[]): Promise<CommandResult> {
    // The agent reads /proc files itself (LocalRunner): so does this runner.
    if (argv[0] === "cat" && argv[1]?.startsWith("/proc/")) return this.#local.run(argv);
    const f = this.#files.get(argv.join(" "));
    return this.#local.run(f ? ["cat", f] : argv);
  }
}

interface Figures {
  name: string;
  cycles: number;
  cpuMsPerCycle: number;
  wallMsPerCycle: number;
  bytes: number;
}

async function measure(name: string, cycles: number, warmup: number, cycle: () => Promise<number>): Promise<Figures> {
  let bytes = 0;
  for (let i = 0; i < warmup; i++) bytes = await cycle();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < cycles; i++) bytes = await cycle();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { name, cycles, cpuMsPerCycle: (cpu.user + cpu.system) / 1000 / cycles, wallMsPerCycle: wall / cycles, bytes };
}

/**
 * The bundled agent on Node 18 once per flag set: its own CPU (utime + stime, not the
 * canned commands' processes) per published snapshot over `cycles` snapshots after
 * `warmup`, and its VmRSS at the end; next to the ceiling for the same flags: the bare
 * cycle (collect + parse + build + JSON of the same texts from memory) in a Node 18
 * process of its own.
 */
async function bundledPerFlagSet(cycles: number, warmup: number, intervalMs: number, choice: ReturnType<typeof benchChoices>): Promise<string[]> {
  const node = nodeBinary();
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-agent-cycle-"));
  const srv = await startNatsServer();
  const lines: string[] = [`bundled agent on Node ${OLDEST_AGENT_NODE} (${choice.bundles.join(", ")}), bench profile, ${intervalMs} ms interval, ${cycles} cycles after ${warmup}:`];
  try {
    await createTelemetryStream(srv.url);
    const answers = writeAnswers(dir);
    const ceiling = join(dir, "cycle-ceiling.mjs");
    await buildCeiling(ceiling);
    for (const [i, [label, flags]] of choice.flagSets.entries()) {
      const bare = spawnSync(node, [...flags, ceiling, String(cycles * 10), String(warmup * 10)], { encoding: "utf8" });
      if (bare.status !== 0) throw new Error(`the ceiling failed under ${label}: ${bare.stderr}`);
      const ceilingMs = Number(bare.stdout);
      for (const [j, bundle] of choice.bundles.entries()) {
        const agent = startBundledAgent({ node, flags, dir, answers, natsUrl: srv.url, nodeId: `cycle-${i}-${j}`, intervalMs, bundle });
        let cpuMs: number;
        let snapshots: number;
        let rssMb: number;
        try {
          await untilSnapshots(agent, warmup);
          const n0 = await agent.snapshots();
          const c0 = cpuMsOf(agent.child.pid!);
          await untilSnapshots(agent, n0 + cycles);
          cpuMs = cpuMsOf(agent.child.pid!) - c0;
          snapshots = (await agent.snapshots()) - n0;
          rssMb = kB(readFileSync(`/proc/${agent.child.pid}/status`, "utf8"), "VmRSS") / 1024;
        } finally {
          agent.child.kill("SIGKILL");
        }
        const perCycle = cpuMs / snapshots;
        lines.push(`  ${(label + bundleLabel(bundle, choice.bundles)).padEnd(66)} ${perCycle.toFixed(2).padStart(6)} ms CPU/cycle, ceiling ${ceilingMs.toFixed(2).padStart(6)} ms (${(perCycle / ceilingMs).toFixed(1)}x); VmRSS ${rssMb.toFixed(1)} MB`);
      }
    }
  } finally {
    await srv.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

function agentFor(runner: CommandRunner, extra: Partial<AgentOptions> = {}): Agent {
  return new Agent({ nodeId: "r7", runner, log: silentLog, intervalMs: 10_000, bufferSize: 10, mode: "local", agentVersion: "bench", routing: "bird2", birdSocket: false, ...extra });
}

/**
 * A stand-in BIRD control socket in its own process (its CPU, like BIRD's, is not this
 * process's): greets, then answers each `birdc` command of the profile with the same text
 * in the socket protocol (`1000-` first line, ` ` continuations, `0000 ` end).
 */
async function fakeBird(dir: string): Promise<{ path: string; stop: () => void }> {
  const replies: Record<string, string> = {};
  for (const [cmd, text] of routerOutputs(PROFILE)) {
    if (!cmd.startsWith("birdc ")) continue;
    const lines = text.replace(/\n$/, "").split("\n").filter((l) => !/^BIRD [\w.]+ ready\.$/.test(l));
    replies[cmd.slice(6)] = `${lines.map((l, i) => (i === 0 ? `1000-${l}` : ` ${l}`)).join("\n")}\n0000 \n`;
  }
  const path = join(dir, "bird.ctl");
  const script = join(dir, "fake-bird.mjs");
  writeFileSync(
    script,
    `import { createServer } from "node:net";
const replies = ${JSON.stringify(replies)};
createServer((c) => {
  c.write("0001 BIRD 2.0.12 ready.\\n");
  let buf = "";
  c.setEncoding("utf8");
  c.on("error", () => {});
  c.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\\n")) >= 0) {
      const cmd = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      c.write(replies[cmd] ?? "9001 syntax error\\n");
    }
  });
}).listen(${JSON.stringify(path)}, () => process.stdout.write("ready\\n"));
`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`fake BIRD exited ${code}`)));
  });
  return { path, stop: () => child.kill("SIGTERM") };
}

export default async function agentCycle(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cycles: { type: "string", default: "1000" },
      warmup: { type: "string", default: "100" },
      "bundle-cycles": { type: "string", default: "60" },
      "bundle-warmup": { type: "string", default: "10" },
      "bundle-interval": { type: "string", default: "250ms" },
      bundle: { type: "string", multiple: true },
      "flag-sets": { type: "string" },
      "bundle-only": { type: "boolean", default: false },
    },
  });
  const choice = benchChoices(values);
  const bundleArgs = [Number(values["bundle-cycles"]), Number(values["bundle-warmup"]), durationMs(values["bundle-interval"]) ?? 250] as const;
  if (values["bundle-only"]) {
    for (const line of await bundledPerFlagSet(...bundleArgs, choice)) process.stdout.write(`${line}\n`);
    return;
  }
  const cycles = Number(values.cycles);
  const warmup = Number(values.warmup);
  const results: Figures[] = [];

  const inMemory = agentFor(new CannedRouter(PROFILE));
  const first = await inMemory.collectOnce();
  const counts = `${first.stations.data?.stations.length} stations, ${first.meshPaths.data?.paths.length} mesh paths, ${first.routing.data?.routes.length} routes, ${first.counters.data?.counters.length} counters`;
  const errors = Object.values(first).flatMap((v) => (v as { errors?: unknown[] } | null)?.errors ?? []);
  if (errors.length > 0) throw new Error(`the profile does not parse cleanly: ${JSON.stringify(errors)}`);

  results.push(await measure("collect+parse+serialise (in-memory outputs)", cycles, warmup, async () => JSON.stringify(await inMemory.collectOnce()).length));

  const dir = mkdtempSync(join(tmpdir(), "mf-bench-"));
  try {
    const n = Math.max(60, Math.round(cycles / 10));
    const w = Math.round(warmup / 10);
    const spawning = agentFor(new CatRunner(dir), { slowEvery: 1 });
    results.push(await measure("same, commands as real processes (/proc read)", n, w, async () => JSON.stringify(await spawning.collectOnce()).length));
    const slow = agentFor(new CatRunner(dir));
    results.push(await measure("  + board/wireless/prefixes every 6th cycle", n, w, async () => JSON.stringify(await slow.collectOnce()).length));
    const bird = await fakeBird(dir);
    try {
      const socket = agentFor(new CatRunner(dir), { birdSocket: bird.path });
      const check = await socket.collectOnce();
      if (check.routing.errors.length > 0 || check.routing.data?.routes.length !== first.routing.data?.routes.length) throw new Error(`BIRD over the socket differs: ${JSON.stringify(check.routing.errors)}`);
      results.push(await measure("  + BIRD over its control socket (no birdc)", n, w, async () => JSON.stringify(await socket.collectOnce()).length));
    } finally {
      bird.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const srv = await startNatsServer();
  try {
    await createTelemetryStream(srv.url);
    const publisher = new NatsPublisher({ servers: [srv.url] });
    const deadline = Date.now() + 10_000;
    while (!publisher.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const agent = agentFor(new CannedRouter(PROFILE));
    const outbox = new Outbox(10);
    results.push(
      await measure("collect+serialise+JetStream publish with ack", cycles, warmup, async () => {
        const s = await agent.collectOnce();
        outbox.pushSnapshot(subjects.telemetry("r7"), s);
        const sent = await outbox.drain(publisher, 5000);
        if (sent !== 1) throw new Error("publish failed");
        return 0;
      }),
    );
    await publisher.close();
  } finally {
    await srv.dispose();
  }

  const bundled = await bundledPerFlagSet(...bundleArgs, choice);
  const mem = process.memoryUsage();
  process.stdout.write(`agent-cycle: profile ${counts}; snapshot ${results[0]!.bytes} bytes of JSON\n`);
  for (const r of results) {
    process.stdout.write(`  ${r.name.padEnd(48)} ${r.cpuMsPerCycle.toFixed(3).padStart(8)} ms CPU/cycle  ${r.wallMsPerCycle.toFixed(3).padStart(8)} ms wall/cycle  (${r.cycles} cycles)\n`);
  }
  for (const line of bundled) process.stdout.write(`  ${line}\n`);
  process.stdout.write(`  this benchmark process after the run: ${(mem.rss / 1048576).toFixed(1)} MiB RSS (heap used ${(mem.heapUsed / 1048576).toFixed(1)} MiB)\n`);
  const pub = results[results.length - 1]!;
  process.stdout.write(`  target: < 5 ms CPU per cycle -> ${results[0]!.cpuMsPerCycle < 5 ? "met" : "NOT met"} (in-memory), ${pub.cpuMsPerCycle < 5 ? "met" : "NOT met"} (with publish)\n`);
}
