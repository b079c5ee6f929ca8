import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { DiscardPolicy, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { startNatsServer } from "@meshfleet/testkit";
import { TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS } from "@meshfleet/shared";
import { Ingest, ingestMetrics, openStore, PgStore, Registry, silentLogger, systemClock, type StoreApi } from "@meshfleet/controller";
import { createTestDatabase, TEST_PG_URL } from "@meshfleet/controller/testing";
import { coreCeiling, publisher } from "./ingest";

/**
 * The store under the ingest, SQLite against PostgreSQL, in one run: bench-profile
 * snapshots published over JetStream and ingested (decode, validate, store, ack) by the
 * controller's Ingest alone (no detection, no API), once into a SQLite file and once into
 * a new PostgreSQL database; the same-run ceiling is core NATS publish -> subscribe ->
 * JSON.parse of the same messages. PostgreSQL's own CPU is read from its processes.
 *
 *   npm run bench -- ingest-db [--pg postgres://postgres@127.0.0.1:5432/postgres] [--duration 30] [--rate 3000] [--nodes 1000]
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user+system) of every PostgreSQL server process, from `ps`. */
function postgresCpuSec(): Promise<number> {
  return new Promise((resolve) => {
    const ps = spawn("ps", ["-C", "postgres", "-o", "cputimes="], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    ps.stdout.on("data", (b: Buffer) => (out += b.toString()));
    ps.on("exit", () => resolve(out.split("\n").map((l) => Number(l.trim()) || 0).reduce((a, b) => a + b, 0)));
    ps.on("error", () => resolve(NaN));
  });
}

async function run(name: string, store: StoreApi, nc: NatsConnection, url: string, o: { durationMs: number; rate: number; nodes: number }) {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(TELEMETRY_STREAM).catch(() => false);
  await jsm.streams.add({ name: TELEMETRY_STREAM, subjects: [...TELEMETRY_STREAM_SUBJECTS], storage: StorageType.File, max_bytes: 30 * 1024 ** 3, discard: DiscardPolicy.Old });
  const ingest = new Ingest({ nc, store, clock: systemClock, log: silentLogger, metrics: ingestMetrics(new Registry()) });
  await ingest.start();
  const pg0 = await postgresCpuSec();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const samples: { t: number; accepted: number }[] = [];
  const sampler = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, accepted: ingest.stats.accepted }), 2000);
  const pub = await publisher({ url, mode: "js", wire: "json", rate: o.rate, durationMs: o.durationMs, nodes: o.nodes, boot: `run-${name}` }, () => {});
  const drain = performance.now();
  while (ingest.stats.accepted < pub.acked && performance.now() - drain < 120_000) await sleep(200);
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const pgCpu = (await postgresCpuSec()) - pg0;
  await ingest.stop();
  const total = ingest.stats.accepted;
  const warm = samples.find((s) => s.t >= 6) ?? samples[0]!;
  const last = samples.at(-1)!;
  return {
    name,
    acked: pub.acked,
    total,
    sustained: (last.accepted - warm.accepted) / (last.t - warm.t),
    usPerSnap: ((cpu.user + cpu.system) / total),
    dbUsPerSnap: name === "postgres" ? (pgCpu * 1e6) / total : NaN,
    storeErrors: ingest.stats.storeErrors,
  };
}

export default async function ingestDbBench(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      pg: { type: "string", default: TEST_PG_URL },
      duration: { type: "string", default: "30" },
      rate: { type: "string", default: "3000" },
      nodes: { type: "string", default: "1000" },
    },
  });
  const o = { durationMs: Number(f.duration) * 1000, rate: Number(f.rate), nodes: Number(f.nodes) };
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-db-"));
  const srv = await startNatsServer({ jetstream: false, config: `jetstream { store_dir: "${join(dir, "js")}", max_memory_store: 256MB, max_file_store: 40GB }` });
  const nc = await connect({ servers: srv.url });
  const db = await createTestDatabase(f.pg);
  try {
    console.log(`ingest-db benchmark: Ingest alone (no detection, no API), ${o.nodes} nodes at ${o.rate}/s offered for ${o.durationMs / 1000} s, node ${process.version}`);
    const { ceiling: c } = await coreCeiling(nc, srv.url, "json", o.nodes, 10_000);
    console.log(`ceiling (core NATS publish -> subscribe -> JSON.parse, same messages): ${c.toFixed(0)} msg/s`);
    const sqlite = openStore({ file: join(dir, "bench.sqlite"), clock: systemClock });
    const a = await run("sqlite", sqlite, nc, srv.url, o);
    sqlite.close();
    const pgStore = await PgStore.open({ url: db.url, clock: systemClock });
    const b = await run("postgres", pgStore, nc, srv.url, o);
    await pgStore.close();
    console.log("store     acked   ingested  sustained/s  of ceiling  controller µs/snapshot  PostgreSQL µs/snapshot  store errors");
    for (const r of [a, b]) {
      console.log(
        `${r.name.padEnd(9)} ${String(r.acked).padStart(6)} ${String(r.total).padStart(10)} ${r.sustained.toFixed(0).padStart(12)} ${`${((r.sustained / c) * 100).toFixed(0)} %`.padStart(11)} ${r.usPerSnap.toFixed(0).padStart(23)} ${(Number.isNaN(r.dbUsPerSnap) ? "-" : r.dbUsPerSnap.toFixed(0)).padStart(23)} ${String(r.storeErrors).padStart(13)}`,
      );
    }
    console.log(`postgres / sqlite sustained: ${((b.sustained / a.sustained) * 100).toFixed(0)} %`);
  } finally {
    await nc.close();
    await srv.dispose();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
