import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { serialize, deserialize } from "node:v8";
import { Session } from "node:inspector/promises";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { DiscardPolicy, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { startNatsServer } from "@meshfleet/testkit";
import { encodeDelta, expandDelta, readDelta, subjects, TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS, type Json } from "@meshfleet/shared";
import { decodeValue, Ingest, ingestMetrics, openStore, Registry, silentLogger, systemClock } from "@meshfleet/controller";
import { buildSnapshot, BENCH_PROFILE } from "@meshfleet/controller/testing";
import { WireEncoder, type EncodedSnapshot } from "@meshfleet/agent";

/**
 * Where the controller's CPU goes per snapshot, stage by stage, without a publisher
 * competing for the cores: the telemetry stream is filled first (bench-profile snapshots,
 * as plain JSON or as an agent in delta mode sends them: a keyframe every 30, deltas in
 * between), then the controller's Ingest alone (no detection, no API) drains it into a
 * SQLite file. Prints the drain rate, the process CPU per snapshot, and the CPU time
 * of each stage (decode, store transaction, listeners; the rest is the NATS client,
 * acknowledgements and GC). Then the per-message costs that decide whether decoding on
 * worker threads pays: a worker hands a snapshot back by structured clone, which the main
 * thread deserializes.
 *
 *   npm run bench -- ingest-drain [--snapshots 20000] [--nodes 1000] [--wire json|delta] [--cpu-prof drain.cpuprofile]
 *
 * `--cpu-prof` writes a V8 CPU profile of the drain alone (not the fill, not the per-message
 * costs) for Chrome DevTools or `speedscope`.
 */
const enc = new TextEncoder();

function snapshotOf(node: number, round: number) {
  // Signals wander and counters grow, as from a live router; the rest stays as it was.
  return buildSnapshot({ node: `bench-${node}`, boot: "drain-run", seq: round + 1, ts: 1_700_000_000_000 + round * 10_000, profile: BENCH_PROFILE, signal: (i) => -50 - i - ((round * 7 + i + node) % 5) });
}

/** Publishes `rounds` snapshots of every node over JetStream; in delta mode each node's encoder learns its keyframes' stream sequences from the acks. */
async function fill(nc: NatsConnection, nodes: number, rounds: number, wire: "json" | "delta"): Promise<number> {
  const js = jetstream(nc);
  const encoders = Array.from({ length: nodes }, () => new WireEncoder(wire));
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    const sent: Promise<void>[] = [];
    for (let n = 0; n < nodes; n++) {
      const s = snapshotOf(n, r);
      const e: EncodedSnapshot = encoders[n]!.encode(s, enc.encode(JSON.stringify(s)));
      bytes += e.data.length;
      const h = e.headers ? headers() : undefined;
      for (const [k, v] of Object.entries(e.headers ?? {})) h!.set(k, v);
      sent.push(js.publish(subjects.telemetry(s.node), e.data, { timeout: 60_000, ...(h ? { headers: h } : {}) }).then((ack) => encoders[n]!.acknowledged(e, ack)));
    }
    await Promise.all(sent);
  }
  return bytes / (nodes * rounds);
}

/** CPU µs per call of `f` (process time, so the machine's load does not inflate it): the best of 5 runs of `n` calls, after a warm-up. */
function micro(f: () => unknown, n = 1000): number {
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (let i = 0; i < 200; i++) f();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const c0 = cpuUs();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, (cpuUs() - c0) / n);
  }
  return best;
}

export default async function ingestDrain(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { snapshots: { type: "string", default: "20000" }, nodes: { type: "string", default: "1000" }, wire: { type: "string", default: "json" }, "cpu-prof": { type: "string" } } });
  if (f.wire !== "json" && f.wire !== "delta") throw new Error("--wire: json or delta");
  // Same young generation as the controller in production (bin/meshfleet-controller.mjs).
  if (!process.execArgv.some((a) => a.startsWith("--max-semi-space-size"))) {
    const child = spawn(process.execPath, ["--max-semi-space-size=64", ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: "inherit" });
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    if (code !== 0) throw new Error(`benchmark exited with ${code}`);
    return;
  }
  const nodes = Number(f.nodes);
  const rounds = Math.max(1, Math.round(Number(f.snapshots) / nodes));
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-drain-"));
  const srv = await startNatsServer({ jetstream: false, config: `jetstream { store_dir: "${join(dir, "js")}", max_memory_store: 256MB, max_file_store: 40GB }` });
  const nc = await connect({ servers: srv.url });
  const store = openStore({ file: join(dir, "drain.sqlite"), clock: systemClock });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: TELEMETRY_STREAM, subjects: [...TELEMETRY_STREAM_SUBJECTS], storage: StorageType.File, max_bytes: 30 * 1024 ** 3, discard: DiscardPolicy.Old });
    const wireBytes = await fill(nc, nodes, rounds, f.wire);
    const total = nodes * rounds;
    const ingest = new Ingest({ nc, store, clock: systemClock, log: silentLogger, metrics: ingestMetrics(new Registry()) });
    const profiler = f["cpu-prof"] ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await ingest.start();
    const settled = () => ingest.stats.accepted + Object.values(ingest.stats.rejected).reduce((a, b) => a + b, 0);
    while (settled() < total && performance.now() - t0 < 300_000) await new Promise((r) => setTimeout(r, 20));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const stages = { ...ingest.stats.stageCpuMs };
    if (profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(f["cpu-prof"]!, JSON.stringify(profile));
      profiler.disconnect();
    }
    await ingest.stop();
    const per = (x: number) => `${((x * 1000) / total).toFixed(0).padStart(4)} µs`;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const { decode, store: st, notify } = stages;
    console.log(`ingest-drain: ${total} bench-profile snapshots (${nodes} nodes x ${rounds}), ${f.wire} on the wire (${wireBytes.toFixed(0)} B/snapshot), node ${process.version}`);
    console.log(`  drained in ${(ms / 1000).toFixed(1)} s = ${((total / ms) * 1000).toFixed(0)} snapshots/s; rejected ${JSON.stringify(ingest.stats.rejected)}, duplicates (redelivered) ${ingest.stats.duplicates}, batches ${ingest.stats.batches}`);
    console.log(`  controller CPU per snapshot: ${per(cpuMs)} (process user+system, SQLite included)`);
    console.log(`    decode (inflate, delta, JSON, schema): ${per(decode)}`);
    console.log(`    store (one transaction per batch):     ${per(st)}`);
    console.log(`    listeners:                             ${per(notify)}`);
    console.log(`    rest (NATS client, acks, GC, threads): ${per(cpuMs - decode - st - notify)}`);

    const s = snapshotOf(1, 1);
    const text = JSON.stringify(s);
    const bytes = enc.encode(text);
    const parsed = JSON.parse(text) as unknown;
    const subject = subjects.telemetry(s.node);
    const cloned = serialize(s);
    const utf8 = new TextDecoder();
    console.log(`  one snapshot (${bytes.length} B of JSON), CPU µs: utf8 ${micro(() => utf8.decode(bytes)).toFixed(0)}, JSON.parse ${micro(() => JSON.parse(text)).toFixed(0)}, schema ${micro(() => decodeValue(subject, parsed)).toFixed(0)}; what a worker would hand back: structured clone in ${micro(() => deserialize(cloned)).toFixed(0)}`);
    if (f.wire === "delta") {
      const base = JSON.parse(JSON.stringify(snapshotOf(1, 0))) as Json;
      const delta = encodeDelta(base, 1, JSON.parse(text) as Json, "drain-run");
      const p = readDelta(delta, 1 << 20);
      console.log(`  one delta (${delta.length} B deflated), CPU µs: inflate + JSON.parse ${micro(() => readDelta(delta, 1 << 20)).toFixed(0)}, apply ${micro(() => expandDelta(base, p)).toFixed(0)}, schema ${micro(() => decodeValue(subject, expandDelta(base, p))).toFixed(0)} (apply included)`);
    }
  } finally {
    await nc.close();
    store.close();
    await srv.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
