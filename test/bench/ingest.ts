import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, StorageType, DiscardPolicy } from "@nats-io/jetstream";
import { startNatsServer } from "@meshfleet/testkit";
import { inflateText, MAX_MESSAGE_BYTES, TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS, subjectWildcards, WIRE_HEADERS } from "@meshfleet/shared";
import { Controller, openStore, silentLogger, systemClock } from "@meshfleet/controller";
import { KEYFRAME_TIMINGS, runPublisher, WIRES, type Keyframes, type PublisherArgs, type PubReport, type Wire } from "./ingest-publisher";

/**
 * Ingest benchmark: bench-profile snapshots (20 stations, 10 mesh paths, 20 routes,
 * 10 counters) through the real pipeline (JetStream publish -> controller ingest ->
 * SQLite), with the machine's ceiling measured in the same run and the API visibility
 * latency at 1,000/s.
 *
 *   npm run bench -- ingest [--duration 60] [--rate 6000] [--nodes 2000] [--ceiling 15]
 *                          [--latency-duration 30] [--latency-rate 1000] [--commit-window 0] [--durable-every 0]
 *                          [--wire delta|json] [--keyframes staggered|together] [--latency-probes 20]
 *
 * --wire: what the publisher sends. `delta` (the default, what agents send by default): the
 * agent's WireEncoder in delta mode, deflated keyframes every 30 snapshots and deflated
 * deltas against them, with the Mf-Enc / Mf-Key / Mf-Base headers; `json`: plain JSON (what
 * version-1 agents send). Either way the messages are prepared before the publisher's clock
 * starts (ingest-publisher.ts). --keyframes: `staggered` (the default: a fleet in steady
 * state, each round carries the keyframes of 1/30 of the nodes) or `together` (every node's
 * keyframe in the same round, every 30 rounds, as right after all agents reconnected).
 *
 * The ceiling: the same messages (same wire) published on core NATS by the same publisher
 * process, received by a core subscription in this process, and for each one what any
 * decoder has to do at least: `delta`, inflate when Mf-Enc is set, then JSON.parse of the
 * text (a keyframe's snapshot, a delta's {b, k, d} payload; the delta is not applied,
 * nothing is validated, no keyframe is looked up or stored); `json`, JSON.parse.
 *
 * Visibility latency: from the publisher's publish call of a probe node's message (its
 * reported time) to the poller seeing that seq at GET /api/nodes/:id. `--latency-probes`
 * nodes are probed (a message each per round: 20 probes over 20 s at 2,000/s and 2,000 nodes
 * give ~400 observations, so the p99 is not simply the slowest one), with the controller's
 * event-loop delay over the same time (what holds a committed snapshot back from the API).
 *
 * --commit-window MS: the ingest's group commit (0, the library's default: none; `serve`
 * uses 15000 unless told), to see what the window costs the API latency at a rate.
 * --durable-every MS: batches share one held SQLite transaction up to this long (0, the
 * library's default: a commit per batch; `serve` uses 120000).
 */

/** The load generator as its own process (this benchmark's publisher role); reports as it goes. */
export function publisher(a: PublisherArgs, onReport: (r: PubReport) => void): Promise<PubReport> {
  const args = ["--import", "tsx", join(import.meta.dirname, "run.ts"), "ingest", "--role", "publisher", "--url", a.url, "--mode", a.mode, "--wire", a.wire, "--rate", String(a.rate)];
  if (a.probes) args.push("--probes", a.probes.join(","));
  args.push("--duration", String(a.durationMs / 1000), "--nodes", String(a.nodes), "--boot", a.boot, "--keyframes", a.keyframes ?? "staggered");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let last: PubReport = { published: 0, acked: 0, errors: 0, elapsedMs: 0, done: false, sent: [] };
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

/** The same-run ceiling: core NATS publish -> subscribe -> (inflate when Mf-Enc is set) JSON.parse of the same messages (msg/s). */
export async function coreCeiling(nc: NatsConnection, url: string, wire: Wire, nodes: number, durationMs: number, keyframes: Keyframes = "staggered"): Promise<{ ceiling: number; published: number; elapsedMs: number; parsed: number }> {
  let parsed = 0;
  let firstAt = 0;
  let lastAt = 0;
  const sub = nc.subscribe(subjectWildcards.telemetry, {
    callback: (_e, m) => {
      JSON.parse(m.headers?.get(WIRE_HEADERS.encoding) ? inflateText(m.data, MAX_MESSAGE_BYTES) : m.string());
      if (parsed++ === 0) firstAt = performance.now();
      lastAt = performance.now();
    },
  });
  const cp = await publisher({ url, mode: "core", wire, rate: 50_000, durationMs, nodes, boot: "ceiling-run", keyframes }, () => {});
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
      "durable-every": { type: "string", default: "0" },
      wire: { type: "string", default: "delta" },
      keyframes: { type: "string", default: "staggered" },
      "latency-probes": { type: "string", default: "20" },
      probes: { type: "string" },
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
  const wire = f.wire as Wire;
  if (!WIRES.includes(wire)) throw new Error("--wire: delta or json");
  const keyframes = f.keyframes as Keyframes;
  if (!KEYFRAME_TIMINGS.includes(keyframes)) throw new Error("--keyframes: staggered or together");
  if (f.role === "publisher") {
    const probes = f.probes ? f.probes.split(",").map(Number) : undefined;
    return runPublisher({ url: f.url!, mode: f.mode as "js" | "core", wire, ...(probes ? { probes } : {}), rate: Number(f.rate), durationMs: Number(f.duration) * 1000, nodes: Number(f.nodes), boot: f.boot!, keyframes });
  }
  const durationMs = Number(f.duration) * 1000;
  const rate = Number(f.rate);
  const nodes = Number(f.nodes);
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-"));
  const srv = await startNatsServer({ jetstream: false, config: `jetstream { store_dir: "${join(dir, "js")}", max_memory_store: 256MB, max_file_store: 40GB }` });
  const nc = await connect({ servers: srv.url });
  try {
    console.log(`ingest benchmark: profile 20 stations / 10 mesh paths / 20 routes / 10 counters, ${nodes} nodes, ${wire} on the wire (${wire === "delta" ? `agents' default: deflated keyframe every 30, deltas between; keyframes ${keyframes}` : "plain JSON"}), commit window ${f["commit-window"]} ms, durable every ${f["durable-every"]} ms, node ${process.version}`);

    // 1. Ceiling: core NATS publish -> subscribe -> (inflate) JSON.parse, same messages, same machine.
    const { ceiling, published, elapsedMs, parsed } = await coreCeiling(nc, srv.url, wire, nodes, Number(f.ceiling) * 1000, keyframes);
    const decoded = wire === "delta" ? "inflated+parsed" : "parsed";
    console.log(`ceiling (core NATS publish -> subscribe -> ${wire === "delta" ? "inflate + " : ""}JSON.parse, same messages): published ${published} in ${(elapsedMs / 1000).toFixed(1)} s, received+${decoded} ${parsed} -> ${ceiling.toFixed(0)} msg/s`);

    // 2. Sustained ingest through the real pipeline.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: TELEMETRY_STREAM, subjects: [...TELEMETRY_STREAM_SUBJECTS], storage: StorageType.File, max_bytes: 30 * 1024 ** 3, discard: DiscardPolicy.Old });
    const store = openStore({ file: join(dir, "bench.sqlite"), clock: systemClock });
    const commitWindowMs = Number(f["commit-window"]);
    const controller = new Controller({ nc, store, clock: systemClock, log: silentLogger, listen: { host: "127.0.0.1", port: 0 }, ingest: { commitWindowMs, durableEveryMs: Number(f["durable-every"]) } });
    await controller.start();
    const accepted = () => controller.ingest.stats.accepted;
    const size0 = await store.sizeBytes();
    const samples: { t: number; accepted: number; rss: number; heap: number; db: number; published: number; cpu: number; machine: number }[] = [];
    let cpuPrev = process.cpuUsage();
    let machPrev = machineCpu();
    let tPrev = performance.now();
    let pub: PubReport | null = null;
    // The clock starts when the publisher does (its first report), not while it prepares its messages.
    let t0 = performance.now();
    let cpuStart = process.cpuUsage();
    let sampler: NodeJS.Timeout | undefined;
    const sample = () => {
      const m = process.memoryUsage();
      const now = performance.now();
      const c = process.cpuUsage(cpuPrev);
      const mc = machineCpu();
      const cpu = (c.user + c.system) / 1000 / (now - tPrev);
      const machine = ((mc.busy - machPrev.busy) / Math.max(1, mc.total - machPrev.total)) * cpus().length;
      cpuPrev = process.cpuUsage();
      machPrev = mc;
      tPrev = now;
      samples.push({ t: (now - t0) / 1000, accepted: accepted(), rss: m.rss, heap: m.heapUsed, db: store.fileBytes(), published: pub?.acked ?? 0, cpu, machine });
    };
    const started = () => {
      t0 = tPrev = performance.now();
      cpuStart = cpuPrev = process.cpuUsage();
      machPrev = machineCpu();
      sampler = setInterval(sample, 5000);
    };
    const run = publisher({ url: srv.url, mode: "js", wire, rate, durationMs, nodes, boot: "sustained-run", keyframes }, (r) => {
      if (!pub) started();
      pub = r;
    });
    pub = await run;
    const pubEnd = performance.now();
    const accAtPubEnd = accepted();
    // let the backlog drain (bounded)
    const drainStart = performance.now();
    while (accepted() < pub.acked && performance.now() - drainStart < 120_000) await sleep(200);
    const end = performance.now();
    clearInterval(sampler);
    sample(); // the end of the drain
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
    const nProbes = Math.min(latNodes, Number(f["latency-probes"]));
    const probeIds = Array.from({ length: nProbes }, (_, i) => i * Math.floor(latNodes / nProbes));
    const probes = probeIds.map((i) => `bench-${i}`);
    const lastSeq = new Map<string, number>();
    /** Seen at the API: `node:seq` -> Date.now(); published: the same key -> the publisher's Date.now() at publish. */
    const seen = new Map<string, number>();
    const publishedAt = new Map<string, number>();
    let polling = true;
    const poll = async (p: string) => {
      const r = await fetch(`${base}/api/nodes/${p}`).catch(() => null);
      if (r?.status !== 200) return;
      const b = (await r.json()) as { latest: { seq: number; ts: number; boot: string } | null };
      if (b.latest && b.latest.boot === "latency-run" && b.latest.seq !== lastSeq.get(p)) {
        if (lastSeq.has(p)) seen.set(`${p}:${b.latest.seq}`, Date.now());
        lastSeq.set(p, b.latest.seq);
      }
    };
    // The probes are asked at once (a round's answers do not wait for each other), then again 50 ms later.
    const poller = (async () => {
      while (polling) {
        await Promise.all(probes.map(poll));
        await sleep(50);
      }
    })();
    // How long the controller's event loop was blocked (a batch, a maintenance pass, GC): what holds a snapshot back from the API.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const latArgs: PublisherArgs = { url: srv.url, mode: "js", wire, rate: latRate, durationMs: Number(f["latency-duration"]) * 1000, nodes: latNodes, boot: "latency-run", probes: probeIds, keyframes };
    const lp = await publisher(latArgs, (r) => r.sent.forEach(([i, seq, at]) => publishedAt.set(`bench-${i}:${seq}`, at)));
    polling = false;
    await poller;
    loop.disable();
    const lat = [...seen].flatMap(([k, at]) => (publishedAt.has(k) ? [at - publishedAt.get(k)!] : []));
    if (lat.length === 0) console.log("no latency observation; last answer:", JSON.stringify(((await (await fetch(`${base}/api/nodes/${probes[0]}`)).json()) as { latest: { boot: string; seq: number; ts: number } }).latest).slice(0, 200), Date.now());
    console.log(
      `API visibility latency at ${latRate}/s (${lp.acked} published, ${lat.length} observations, ${wire}, publisher's publish call -> seq seen at GET /api/nodes/:id, ${nProbes} probes polled together every 50 ms): p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${Math.max(...lat)} ms`,
    );
    const ms = (ns: number) => `${(ns / 1e6).toFixed(0)} ms`;
    console.log(`  controller event loop delay meanwhile: p50 ${ms(loop.percentile(50))}, p99 ${ms(loop.percentile(99))}, max ${ms(loop.max)}`);
    await controller.stop();
    store.close();
  } finally {
    await nc.close();
    await srv.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
