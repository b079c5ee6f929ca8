import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, StorageType, DiscardPolicy } from "@nats-io/jetstream";
import { startNatsServer } from "@meshfleet/testkit";
import { TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS, subjectWildcards } from "@meshfleet/shared";
import { Controller, openStore, silentLogger, systemClock } from "@meshfleet/controller";
import { runPublisher, type PublisherArgs } from "./ingest-publisher";

/**
 * Ingest benchmark: bench-profile snapshots (20 stations, 10 mesh paths, 20 routes,
 * 10 counters) through the real pipeline (JetStream publish -> controller ingest ->
 * SQLite), with the machine's ceiling measured in the same run (core NATS publish ->
 * subscribe -> JSON.parse of the same messages) and the API visibility latency at 1,000/s.
 *
 *   npm run bench -- ingest [--duration 60] [--rate 6000] [--nodes 2000] [--ceiling 15]
 *                          [--latency-duration 30] [--latency-rate 1000] [--commit-window 0]
 *
 * --commit-window MS: the ingest's group commit (0, the library's default: none; `serve`
 * uses 15000 unless told), to see what the window costs the API latency at a rate.
 */
interface PubReport {
  published: number;
  acked: number;
  errors: number;
  elapsedMs: number;
  done: boolean;
}

/** The load generator as its own process (this benchmark's publisher role); reports as it goes. */
export function publisher(a: PublisherArgs, onReport: (r: PubReport) => void): Promise<PubReport> {
  const args = ["--import", "tsx", join(import.meta.dirname, "run.ts"), "ingest", "--role", "publisher", "--url", a.url, "--mode", a.mode, "--rate", String(a.rate)];
  args.push("--duration", String(a.durationMs / 1000), "--nodes", String(a.nodes), "--boot", a.boot);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let last: PubReport = { published: 0, acked: 0, errors: 0, elapsedMs: 0, done: false };
  let buf = "";
  child.stdout.on("data", (b: Buffer) => {
    buf += b.toString();
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      last = JSON.parse(buf.slice(0, i)) as PubReport;
      buf = buf.slice(i + 1);
      onReport(last);
    }
  });
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(last) : reject(new Error(`publisher exited with ${code}`)))));
}

/** Busy and total jiffies of the whole machine (/proc/stat), to show how much CPU was left. */
function machineCpu(): { busy: number; total: number } {
  const l = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (l[3] ?? 0) + (l[4] ?? 0);
  const total = l.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** The same-run ceiling: core NATS publish -> subscribe -> JSON.parse of the same messages (msg/s). */
export async function coreCeiling(nc: NatsConnection, url: string, nodes: number, durationMs: number): Promise<{ ceiling: number; published: number; elapsedMs: number; parsed: number }> {
  let parsed = 0;
  let firstAt = 0;
  let lastAt = 0;
  const sub = nc.subscribe(subjectWildcards.telemetry, {
    callback: (_e, m) => {
      JSON.parse(m.string());
      if (parsed++ === 0) firstAt = performance.now();
      lastAt = performance.now();
    },
  });
  const cp = await publisher({ url, mode: "core", rate: 50_000, durationMs, nodes, boot: "ceiling-run" }, () => {});
  await sleep(1000);
  sub.unsubscribe();
  return { ceiling: parsed / ((lastAt - firstAt) / 1000), published: cp.published, elapsedMs: cp.elapsedMs, parsed };
}

export default async function ingestBench(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      role: { type: "string" },
      url: { type: "string" },
      mode: { type: "string" },
      boot: { type: "string", default: "bench-boot" },
      duration: { type: "string", default: "60" },
      rate: { type: "string", default: "6000" },
      nodes: { type: "string", default: "2000" },
      ceiling: { type: "string", default: "15" },
      "latency-duration": { type: "string", default: "30" },
      "latency-rate": { type: "string", default: "1000" },
      "commit-window": { type: "string", default: "0" },
    },
  });
  // The controller runs with a 64 MB young generation in production (bin/meshfleet-controller.mjs):
  // 18 KB messages allocate fast and the default makes the scavenger a top entry of the profile.
  if (f.role !== "publisher" && !process.execArgv.some((a) => a.startsWith("--max-semi-space-size"))) {
    const child = spawn(process.execPath, ["--max-semi-space-size=64", ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: "inherit" });
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    if (code !== 0) throw new Error(`benchmark exited with ${code}`);
    return;
  }
  if (f.role === "publisher") {
    return runPublisher({ url: f.url!, mode: f.mode as "js" | "core", rate: Number(f.rate), durationMs: Number(f.duration) * 1000, nodes: Number(f.nodes), boot: f.boot! });
  }
  const durationMs = Number(f.duration) * 1000;
  const rate = Number(f.rate);
  const nodes = Number(f.nodes);
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-"));
  const srv = await startNatsServer({ jetstream: false, config: `jetstream { store_dir: "${join(dir, "js")}", max_memory_store: 256MB, max_file_store: 40GB }` });
  const nc = await connect({ servers: srv.url });
  try {
    console.log(`ingest benchmark: profile 20 stations / 10 mesh paths / 20 routes / 10 counters, ${nodes} nodes, commit window ${f["commit-window"]} ms, node ${process.version}`);

    // 1. Ceiling: core NATS publish -> subscribe -> JSON.parse, same messages, same machine.
    const { ceiling, published, elapsedMs, parsed } = await coreCeiling(nc, srv.url, nodes, Number(f.ceiling) * 1000);
    console.log(`ceiling: published ${published} in ${(elapsedMs / 1000).toFixed(1)} s, received+parsed ${parsed} -> ${ceiling.toFixed(0)} msg/s`);

    // 2. Sustained ingest through the real pipeline.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: TELEMETRY_STREAM, subjects: [...TELEMETRY_STREAM_SUBJECTS], storage: StorageType.File, max_bytes: 30 * 1024 ** 3, discard: DiscardPolicy.Old });
    const store = openStore({ file: join(dir, "bench.sqlite"), clock: systemClock });
    const commitWindowMs = Number(f["commit-window"]);
    const controller = new Controller({ nc, store, clock: systemClock, log: silentLogger, listen: { host: "127.0.0.1", port: 0 }, ingest: { commitWindowMs } });
    await controller.start();
    const accepted = () => controller.ingest.stats.accepted;
    const size0 = await store.sizeBytes();
    const samples: { t: number; accepted: number; rss: number; heap: number; db: number; published: number; cpu: number; machine: number }[] = [];
    let cpuPrev = process.cpuUsage();
    let machPrev = machineCpu();
    let tPrev = performance.now();
    let pub: PubReport = { published: 0, acked: 0, errors: 0, elapsedMs: 0, done: false };
    const t0 = performance.now();
    const cpuStart = process.cpuUsage();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      const now = performance.now();
      const c = process.cpuUsage(cpuPrev);
      const mc = machineCpu();
      const cpu = (c.user + c.system) / 1000 / (now - tPrev);
      const machine = ((mc.busy - machPrev.busy) / Math.max(1, mc.total - machPrev.total)) * cpus().length;
      cpuPrev = process.cpuUsage();
      machPrev = mc;
      tPrev = now;
      samples.push({ t: (now - t0) / 1000, accepted: accepted(), rss: m.rss, heap: m.heapUsed, db: store.fileBytes(), published: pub.acked, cpu, machine });
    }, 5000);
    const run = publisher({ url: srv.url, mode: "js", rate, durationMs, nodes, boot: "sustained-run" }, (r) => (pub = r));
    pub = await run;
    const pubEnd = performance.now();
    const accAtPubEnd = accepted();
    // let the backlog drain (bounded)
    const drainStart = performance.now();
    while (accepted() < pub.acked && performance.now() - drainStart < 120_000) await sleep(200);
    const end = performance.now();
    clearInterval(sampler);
    const cpuTotal = process.cpuUsage(cpuStart);
    const total = accepted();
    const warm = samples.find((s) => s.t >= 10) ?? samples[0]!;
    const lastS = samples[samples.length - 1]!;
    const sustained = (lastS.accepted - warm.accepted) / (lastS.t - warm.t);
    console.log(`publish (JetStream, acked): ${pub.acked} in ${(pub.elapsedMs / 1000).toFixed(1)} s = ${(pub.acked / (pub.elapsedMs / 1000)).toFixed(0)}/s, errors ${pub.errors}`);
    console.log(`ingested: ${total} (${accAtPubEnd} when publishing stopped; backlog drained in ${((end - pubEnd) / 1000).toFixed(1)} s)`);
    console.log(`sustained ingest: ${sustained.toFixed(0)} snapshots/s (samples ${warm.t.toFixed(0)}-${lastS.t.toFixed(0)} s), overall ${(total / ((end - t0) / 1000)).toFixed(0)}/s`);
    console.log(`rejected: ${JSON.stringify(controller.ingest.stats.rejected)}, duplicates: ${controller.ingest.stats.duplicates}`);
    const perSnap = (cpuTotal.user + cpuTotal.system) / total;
    console.log(`controller CPU per snapshot: ${perSnap.toFixed(0)} µs (decode+validate, store, NATS client, GC, HTTP) -> ${(1e6 / perSnap).toFixed(0)} snapshots/s per fully available core`);
    const st = controller.ingest.stats.stageCpuMs;
    const us = (ms: number) => `${((ms * 1000) / total).toFixed(0)} µs`;
    console.log(`  of which: decode ${us(st.decode)}, store ${us(st.store)}, listeners ${us(st.notify)}; the rest (NATS client, acks, GC, HTTP) ${us((cpuTotal.user + cpuTotal.system) / 1000 - st.decode - st.store - st.notify)}`);
    console.log(`ratio to the ceiling: ${((sustained / ceiling) * 100).toFixed(0)} %`);
    console.log(`cores busy (of ${cpus().length}): controller process = this process incl. SQLite and GC threads; machine = every process`);
    console.log("t(s)   accepted   rate/s   rss        heapUsed   db          ctl-cpu  machine-cpu");
    let prev = { t: 0, accepted: 0 };
    for (const s of samples) {
      console.log(`${s.t.toFixed(0).padStart(4)} ${String(s.accepted).padStart(10)} ${((s.accepted - prev.accepted) / (s.t - prev.t)).toFixed(0).padStart(8)}   ${mb(s.rss).padEnd(10)} ${mb(s.heap).padEnd(10)} ${mb(s.db).padEnd(11)} ${s.cpu.toFixed(2).padStart(7)}  ${s.machine.toFixed(2).padStart(11)}`);
      prev = s;
    }
    store.checkpoint();
    const grown = (await store.sizeBytes()) - size0;
    console.log(`database: ${mb(await store.sizeBytes())} after ${total} snapshots = ${mb((grown / total) * 1000)} per 1,000 snapshots`);

    // Roll up the burst first, so the latency phase sees steady-state maintenance (a 30 s pass at
    // 1,000/s is ~1 s of work) rather than the catch-up of the whole sustained phase.
    const mt = performance.now();
    await controller.maintain();
    console.log(`rollup catch-up of the sustained phase: ${((performance.now() - mt) / 1000).toFixed(1)} s, rollups: ${JSON.stringify(await store.rowCounts())}`);

    // 3. API visibility latency at the latency rate.
    const latRate = Number(f["latency-rate"]);
    const latNodes = Math.min(nodes, latRate);
    const base = `http://127.0.0.1:${controller.address!.port}`;
    const probes = Array.from({ length: 5 }, (_, i) => `bench-${i * Math.floor(latNodes / 5)}`);
    const lastSeq = new Map<string, number>();
    const lat: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const p of probes) {
          const r = await fetch(`${base}/api/nodes/${p}`).catch(() => null);
          if (r?.status !== 200) continue;
          const b = (await r.json()) as { latest: { seq: number; ts: number; boot: string } | null };
          if (b.latest && b.latest.boot === "latency-run" && b.latest.seq !== lastSeq.get(p)) {
            if (lastSeq.has(p)) lat.push(Date.now() - b.latest.ts);
            lastSeq.set(p, b.latest.seq);
          }
        }
        await sleep(50);
      }
    })();
    const lp = await publisher({ url: srv.url, mode: "js", rate: latRate, durationMs: Number(f["latency-duration"]) * 1000, nodes: latNodes, boot: "latency-run" }, () => {});
    polling = false;
    await poller;
    if (lat.length === 0) console.log("no latency observation; last answer:", JSON.stringify(((await (await fetch(`${base}/api/nodes/${probes[0]}`)).json()) as { latest: { boot: string; seq: number; ts: number } }).latest).slice(0, 200), Date.now());
    console.log(
      `API visibility latency at ${latRate}/s (${lp.acked} published, ${lat.length} observations, publish -> GET /api/nodes/:id, 5 probes polled every 50 ms): p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${Math.max(...lat)} ms`,
    );
    await controller.stop();
    store.close();
  } finally {
    await nc.close();
    await srv.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
