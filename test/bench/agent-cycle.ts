import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTelemetryStream, startNatsServer } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { Agent, LocalRunner, NatsPublisher, Outbox, silentLog, type AgentOptions, type CommandResult, type CommandRunner } from "@meshfleet/agent";
import { CannedRouter, routerOutputs, type RouterProfile } from "@meshfleet/agent/testing";

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
 * CPU is process.cpuUsage() (user+system of this process), wall is per cycle. Resident
 * memory is measured on the real thing: the single-file bundle running `run` against the
 * same nats-server on this machine for a few seconds (VmRSS from /proc).
 *
 *   npm run bench -- agent-cycle [--cycles 1000] [--warmup 100]
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

function dir2(): string {
  return mkdtempSync(join(tmpdir(), "mf-bench-bundle-"));
}

/** Builds the bundle, runs it against a real nats-server for a few seconds, reads its VmRSS. */
async function bundleResidentMemory(dir: string): Promise<string> {
  const srv = await startNatsServer();
  try {
    await createTelemetryStream(srv.url);
    const bundle = join(dir, "meshfleet-agent.mjs");
    const built = spawnSync(process.execPath, [join(import.meta.dirname, "../../agent/build.mjs"), bundle], { encoding: "utf8" });
    if (built.status !== 0) return `bundle build failed: ${built.stderr}`;
    const child = spawn(process.execPath, [bundle, "run", "--node-id", "bench", "--interval", "500ms", "--routing", "none", "--nats", srv.url], { stdio: "ignore" });
    const ticks = () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return Number(f[11]) + Number(f[12]); // utime + stime (clock ticks, 100/s)
    };
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = ticks();
    await new Promise((r) => setTimeout(r, 10_000));
    const cpuMsPerCycle = ((ticks() - t0) * 10) / 20;
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    return `${(Number(rss) / 1024).toFixed(1)} MiB RSS (peak ${(Number(hwm) / 1024).toFixed(1)} MiB); ${cpuMsPerCycle.toFixed(1)} ms CPU/cycle with this host's real commands (ip, nft, cat; no iw/ubus here)`;
  } finally {
    await srv.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
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
  const { values } = parseArgs({ args, options: { cycles: { type: "string", default: "1000" }, warmup: { type: "string", default: "100" } } });
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

  const bundleRss = await bundleResidentMemory(dir2());
  const mem = process.memoryUsage();
  process.stdout.write(`agent-cycle: profile ${counts}; snapshot ${results[0]!.bytes} bytes of JSON\n`);
  for (const r of results) {
    process.stdout.write(`  ${r.name.padEnd(48)} ${r.cpuMsPerCycle.toFixed(3).padStart(8)} ms CPU/cycle  ${r.wallMsPerCycle.toFixed(3).padStart(8)} ms wall/cycle  (${r.cycles} cycles)\n`);
  }
  process.stdout.write(`  bundled agent, \`run\` for 13 s at 500 ms: ${bundleRss}\n`);
  process.stdout.write(`  this benchmark process after the run: ${(mem.rss / 1048576).toFixed(1)} MiB RSS (heap used ${(mem.heapUsed / 1048576).toFixed(1)} MiB)\n`);
  const pub = results[results.length - 1]!;
  process.stdout.write(`  target: < 5 ms CPU per cycle -> ${results[0]!.cpuMsPerCycle < 5 ? "met" : "NOT met"} (in-memory), ${pub.cpuMsPerCycle < 5 ? "met" : "NOT met"} (with publish)\n`);
}
