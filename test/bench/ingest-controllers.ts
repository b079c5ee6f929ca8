import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import { freePort, startNatsServer, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { partitioned } from "@meshfleet/shared";
import { createTestDatabase } from "@meshfleet/controller/testing";
import { killHard, metricValue, spawnController, type ControllerProcess } from "../src/controller-helpers";
import { machineBusy, processCpuSeconds, publish } from "./ingest-cluster";

/**
 * Ingest with several controllers (issue 18): the built `meshfleet-controller serve
 * --cluster-partitions` processes (ingest, detection and the rest, as users run them) on
 * one store behind one nats-server with the partition mapping, each run offered the same
 * load. Without `--db`: one controller, then two, on one SQLite file. With `--db
 * postgres://…/db` (the server to create a new database `mf_test_<random>` on, per run):
 * one controller on SQLite, then one and two on PostgreSQL. The same-run ceiling beside
 * them: core NATS publish -> subscribe -> JSON.parse of the same messages. Needs `npm run
 * build` (the bin runs dist/).
 *
 *   npm run bench -- ingest-controllers [--db postgres://postgres@127.0.0.1:5432/postgres] [--duration 30] [--rate 1500] [--nodes 1000] [--partitions 8]
 */
const ACCEPTED = 'meshfleet_ingest_messages_total{kind="snapshot",result="accepted"}';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  store: string;
  controllers: number;
  acked: number;
  pubRate: number;
  ingested: number;
  ingestRate: number;
  perController: number[];
  ctlUs: number;
  machine: number;
  /** The machine's 1-minute load average at the end of the run (other work on it included). */
  load: number;
}

async function runOne(count: number, o: { rate: number; durationMs: number; nodes: number; partitions: number }, pgServer: string | null): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-ctls-"));
  const mappings = partitioned.mappings(o.partitions).map(([from, to]) => `  ${JSON.stringify(from)}: ${JSON.stringify(to)}`);
  const srv: RunningNatsServer = await startNatsServer({ jetstream: false, config: `jetstream { store_dir: "${join(dir, "js")}", max_file_store: 40GB }\nmappings {\n${mappings.join("\n")}\n}\n` });
  const procs: ControllerProcess[] = [];
  const pg = pgServer ? await createTestDatabase(pgServer) : null;
  try {
    const db = pg?.url ?? join(dir, "bench.sqlite");
    for (let i = 0; i < count; i++) procs.push(await spawnController(db, srv.url, await freePort(), ["--cluster-partitions", String(o.partitions), "--controller-id", `bench-${i + 1}`, "--node-rate", "0", "--stream-max-bytes", String(8 * 1024 ** 3)]));
    await waitFor(async () => {
      const held = await Promise.all(procs.map(async (p) => ((await (await p.get("/api/cluster")).json()) as { cluster: { partitions: number[] } }).cluster.partitions.length));
      return held.reduce((a, b) => a + b, 0) === o.partitions && held.every((n) => n > 0);
    }, { timeoutMs: 60_000, what: "every partition held", intervalMs: 200 });
    const accepted = async () => Promise.all(procs.map(async (p) => metricValue(await (await p.get("/metrics")).text(), ACCEPTED)));
    const cpu0 = procs.map((p) => processCpuSeconds(p.child.pid ?? null));
    const m0 = machineBusy();
    const t0 = performance.now();
    const pub = await publish(srv.url, o.rate, o.durationMs, o.nodes, `ctl${count}-run`);
    const drainStart = performance.now();
    let per = await accepted();
    while (per.reduce((a, b) => a + b, 0) < pub.acked && performance.now() - drainStart < 120_000) {
      await sleep(250);
      per = await accepted();
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = procs.reduce((n, p, i) => n + processCpuSeconds(p.child.pid ?? null) - cpu0[i]!, 0);
    const m1 = machineBusy();
    const ingested = per.reduce((a, b) => a + b, 0);
    return {
      store: pg ? "PostgreSQL" : "SQLite",
      controllers: count,
      acked: pub.acked,
      pubRate: pub.acked / (pub.elapsedMs / 1000),
      ingested,
      ingestRate: ingested / elapsed,
      perController: per,
      ctlUs: (cpu * 1e6) / Math.max(1, ingested),
      machine: ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * cpus().length,
      load: loadavg()[0]!,
    };
  } finally {
    for (const p of procs) await killHard(p);
    await srv.dispose();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Core NATS publish -> subscribe -> JSON.parse of the same messages through the same mapping. */
async function ceiling(o: { nodes: number; partitions: number }): Promise<number> {
  const mappings = partitioned.mappings(o.partitions).map(([from, to]) => `  ${JSON.stringify(from)}: ${JSON.stringify(to)}`);
  const srv = await startNatsServer({ jetstream: false, config: `mappings {\n${mappings.join("\n")}\n}\n` });
  const nc = await connect({ servers: srv.url });
  try {
    let parsed = 0;
    let firstAt = 0;
    let lastAt = 0;
    nc.subscribe("mf.p.*.tel.*", {
      callback: (_e, m) => {
        JSON.parse(m.string());
        if (parsed++ === 0) firstAt = performance.now();
        lastAt = performance.now();
      },
    });
    await publish(srv.url, 50_000, 10_000, o.nodes, "ceiling-run", "core");
    await sleep(1000);
    return parsed / Math.max(0.001, (lastAt - firstAt) / 1000);
  } finally {
    await nc.close();
    await srv.dispose();
  }
}

export default async function ingestControllersBench(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { db: { type: "string" }, duration: { type: "string", default: "30" }, rate: { type: "string", default: "1500" }, nodes: { type: "string", default: "1000" }, partitions: { type: "string", default: "8" } } });
  const o = { rate: Number(f.rate), durationMs: Number(f.duration) * 1000, nodes: Number(f.nodes), partitions: Number(f.partitions) };
  const pg = f.db?.startsWith("postgres") ? f.db : null;
  console.log(`ingest, one vs two controllers (processes, ${pg ? "SQLite and PostgreSQL" : "one SQLite file"}, ${o.partitions} partitions): ${o.nodes} nodes, offered ${o.rate}/s for ${o.durationMs / 1000} s each, bench-profile snapshots, node ${process.version}, ${cpus().length} cores`);
  const top = await ceiling(o);
  console.log(`ceiling (same run): core NATS publish -> subscribe -> JSON.parse through the mapping: ${top.toFixed(0)} msg/s`);
  const rows = pg ? [await runOne(1, o, null), await runOne(1, o, pg), await runOne(2, o, pg)] : [await runOne(1, o, null), await runOne(2, o, null)];
  console.log("store       controllers  acked      acked/s  ingested   ingest/s  of ceiling  per controller       ctl-CPU/snap (all)  machine cores busy  load avg (1 min)");
  for (const r of rows) {
    console.log(
      `${r.store.padEnd(10)}  ${String(r.controllers).padStart(11)}  ${String(r.acked).padStart(9)}  ${r.pubRate.toFixed(0).padStart(7)}  ${String(r.ingested).padStart(9)}  ${r.ingestRate.toFixed(0).padStart(8)}  ${`${((r.ingestRate / top) * 100).toFixed(0)} %`.padStart(10)}  ${r.perController.join(" + ").padEnd(19)}  ${`${r.ctlUs.toFixed(0)} µs`.padStart(18)}  ${r.machine.toFixed(2).padStart(18)}  ${r.load.toFixed(1).padStart(16)}`,
    );
  }
  const [a, b] = rows.slice(-2);
  if (a && b) console.log(`two/one (${b.store}): ingest rate ${((b.ingestRate / a.ingestRate) * 100).toFixed(0)} %, controller CPU per snapshot x${(b.ctlUs / a.ctlUs).toFixed(2)}; ceiling ${top.toFixed(0)} msg/s`);
  if (pg) console.log(`PostgreSQL one controller / SQLite one controller: ingest rate ${((rows[1]!.ingestRate / rows[0]!.ingestRate) * 100).toFixed(0)} %`);
}
