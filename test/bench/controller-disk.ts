import { readFileSync } from "node:fs";
import type Database from "better-sqlite3";
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { startNatsServer, tempDir, waitFor } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { Controller, FakeClock, HOUR_MS, counterBaseOf, modules, openStore, pack, silentLogger, type CounterBase } from "@meshfleet/controller";
import { buildHello, buildSnapshot, macOf } from "@meshfleet/controller/testing";
import { NatsPublisher, Outbox, WireEncoder } from "@meshfleet/agent";
import { WalProfile } from "./controller-disk-pages";
import { bareTableCeiling, type BareRow } from "./controller-disk-ceiling";

/**
 * Bytes a whole controller writes for a home mesh: this process runs the real Controller
 * (ingest from JetStream, every module: jobs, detection, dashboard, admin, diag) on a
 * SQLite file; --nodes routers publish a snapshot every 10 s of simulated time, one at a
 * time, --per-commit at a time (each group is stored before the next is published: with the
 * ingest's commit window the group shares one commit, as a window of per-commit x 10 s /
 * nodes gives in the field; 1, the default, is a commit per snapshot; the ingest commits
 * when --per-commit messages wait, so a loaded machine does not split a group), each with its own 20 client stations (the same MACs on
 * every router would look like 20 roams per snapshot to detection); maintenance runs every 30 s of simulated time. Reports
 * write_bytes from /proc/<pid>/io of this process (the controller's SQLite writes) and of
 * the nats-server (its JetStream file store) over the run, scaled to 24 h.
 *
 * Snapshots go out as the agent sends them (--wire delta: its NatsPublisher and outbox,
 * deltas with a keyframe every 30) or as plain JSON (--wire json, what agents sent before).
 *
 * Retention is the controller's (raw 48 h, minute rollups 30 days) unless --raw-hours /
 * --minute-hours shorten it, so that a run of a few simulated hours packs closed windows
 * into blocks and prunes what retention lets go, as every day of a long-running controller
 * does; --warmup M leaves the first M simulated minutes out of every figure (the steady
 * state is what a day costs), their WAL checkpointed before measuring starts; the run ends
 * with a checkpoint of what the measured minutes wrote (the database checkpoints every
 * WAL_AUTOCHECKPOINT_PAGES otherwise, a few times a day). The clock is simulated: maintenance passes run every 30 s of
 * it, not of wall time.
 *
 * --durable-every S (serve's default, 120): the ingest's transaction stays open, joined by the
 * next batches, until it is S simulated seconds old (`IngestOptions.durableEveryMs`; 0: every
 * batch commits, as before it existed).
 *
 * Same-run ceiling: the same snapshots, packed as the store packs them, inserted into a bare
 * SQLite table (node, ts, data) with the same commits and the store's page size and pragmas.
 *
 * Database size over time: every --size-every simulated minutes (30 by default), the
 * database's pages (PRAGMA page_count, what the file holds once the WAL is checkpointed), the
 * free ones among them, the pages of raw rows (recent and blocks) and of each rollup level
 * (dbstat); with retention active (--raw-hours, --minute-hours, and for the quarter-hour and
 * hour rollups, kept 90 days and a year by default, --quarter-hours, --hour-hours) the pages
 * in use stay flat once the first windows are pruned.
 *
 * --profile: no checkpoint during the run; the WAL's frames by phase (ingest: everything
 * the controller writes between maintenance passes; maintenance: the passes) and by table
 * or index, and what checkpoints at wal_autocheckpoint 1000 / 10000 would add (write_bytes
 * then counts no checkpoint).
 *
 *   npm run bench -- controller-disk [--nodes 7] [--minutes 20] [--per-commit 1] [--wire delta|json] [--raw-hours 48] [--minute-hours 720] [--warmup 0] [--profile] [--wal-pages N] [--size-every 30] [--quarter-hours 2160] [--hour-hours 8760] [--durable-every 120]
 */
const writeBytesOf = (pid: number | "self") => Number(/write_bytes:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0);

export default async function controllerDisk(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string", default: "7" },
      minutes: { type: "string", default: "20" },
      "per-commit": { type: "string", default: "1" },
      wire: { type: "string", default: "delta" },
      "raw-hours": { type: "string", default: "48" },
      "minute-hours": { type: "string", default: "720" },
      warmup: { type: "string", default: "0" },
      profile: { type: "boolean", default: false },
      "wal-pages": { type: "string" },
      "size-every": { type: "string", default: "30" },
      "quarter-hours": { type: "string", default: "2160" },
      "hour-hours": { type: "string", default: "8760" },
      "durable-every": { type: "string", default: "120" },
    },
  });
  if (f.wire !== "delta" && f.wire !== "json") throw new Error("--wire: delta or json");
  const perCommit = Number(f["per-commit"]);
  const nodes = Number(f.nodes);
  const cycles = (Number(f.minutes) * 60_000) / 10_000;
  const T0 = Date.UTC(2026, 0, 1);
  const measureFrom = T0 + Number(f.warmup) * 60_000;
  const clock = new FakeClock(T0);
  const dir = tempDir("mf-bench-controller-disk-");
  const srv = await startNatsServer();
  const nc = await connect({ servers: srv.url });
  const file = `${dir.path}/c.sqlite`;
  const store = openStore({ file, clock, retention: { rawMs: Number(f["raw-hours"]) * HOUR_MS, minuteMs: Number(f["minute-hours"]) * HOUR_MS, quarterMs: Number(f["quarter-hours"]) * HOUR_MS, hourMs: Number(f["hour-hours"]) * HOUR_MS } });
  const client = (store.db as unknown as { $client: Database.Database }).$client;
  // --profile: keep every frame in the WAL (no checkpoint until the end) to see where they went.
  if (f.profile) client.pragma("wal_autocheckpoint = 0");
  // --wal-pages N: checkpoint when the WAL holds N pages (SQLite's default 1000), to size it.
  else if (f["wal-pages"]) client.pragma(`wal_autocheckpoint = ${Number(f["wal-pages"])}`);
  const autocheckpoint = client.pragma("wal_autocheckpoint", { simple: true }) as number;
  const profile = f.profile ? new WalProfile(file) : null;
  const controller = new Controller({ nc, store, clock, log: silentLogger, modules: modules(), maintenanceIntervalMs: 24 * 3600_000, ingest: { commitWindowMs: perCommit > 1 ? 5000 : 0, batchMax: perCommit, durableEveryMs: Number(f["durable-every"]) * 1000 } });
  const pub = f.wire === "delta" ? new NatsPublisher({ servers: [srv.url] }) : null;
  const bare: BareRow[][] = [];
  const bases = new Map<string, CounterBase>();
  try {
    await controller.start();
    if (pub) await waitFor(() => pub.connected, { what: "the agent's publisher connected" });
    const js = jetstream(nc);
    const names = Array.from({ length: nodes }, (_, n) => `router-${n}`);
    const outboxes = names.map(() => new Outbox(10, new WireEncoder("delta")));
    for (const node of names) await js.publish(subjects.hello(node), JSON.stringify(buildHello({ node, ts: T0 })));
    let s0 = writeBytesOf("self");
    let n0 = srv.pid ? writeBytesOf(srv.pid) : 0;
    let measuring = false;
    let measured = 0;
    let maintenanceMs = 0;
    let maintenanceCpuMs = 0;
    let nextPass = T0 + 30_000;
    const sizeEveryMs = Number(f["size-every"]) * 60_000;
    let nextSize = T0 + sizeEveryMs;
    const sizes: { min: number; pages: number; free: number; by: Map<string, number> }[] = [];
    const groupOf = (name: string) => (/^raw_/.test(name) ? "raw" : (/^(?:sqlite_autoindex_)?rollups_(minute|quarter|hour)/.exec(name)?.[1] ?? "other"));
    const sends = Array.from({ length: cycles * nodes }, (_, i) => ({ c: Math.floor(i / nodes), n: i % nodes }));
    for (let g = 0; g < sends.length; g += perCommit) {
      const group = sends.slice(g, g + perCommit);
      const rows: BareRow[] = [];
      for (const { c, n } of group) {
        const ts = T0 + c * 10_000 + Math.floor((n * 10_000) / nodes);
        clock.set(ts);
        if (!measuring && ts >= measureFrom) {
          measuring = true;
          profile?.take("warmup", false);
          // The warmup's pages go to the database file before measuring (its checkpoint is the
          // warmup's, not the measured window's; --profile keeps the whole WAL instead).
          if (!profile) store.checkpoint();
          s0 = writeBytesOf("self");
          n0 = srv.pid ? writeBytesOf(srv.pid) : 0;
        }
        if (ts >= nextSize) {
          const pages = client.pragma("page_count", { simple: true }) as number;
          const free = client.pragma("freelist_count", { simple: true }) as number;
          const by = new Map<string, number>();
          for (const r of client.prepare("SELECT name, count(*) AS n FROM dbstat GROUP BY name").all() as { name: string; n: number }[]) by.set(groupOf(r.name), (by.get(groupOf(r.name)) ?? 0) + r.n);
          sizes.push({ min: (nextSize - T0) / 60_000, pages, free, by });
          nextSize += sizeEveryMs;
        }
        if (ts >= nextPass) {
          profile?.take("ingest", measuring);
          const t = performance.now();
          const cpu = process.cpuUsage();
          await store.maintenance.run(ts);
          const used = process.cpuUsage(cpu);
          maintenanceCpuMs += (used.user + used.system) / 1000;
          maintenanceMs += performance.now() - t;
          profile?.take("maintenance", measuring);
          nextPass += 30_000;
        }
        const snap = buildSnapshot({ node: names[n]!, seq: c + 1, ts, signal: (i) => -50 - i - ((c * 7 + i) % 5), stationMac: (i) => macOf(n, i + 1) });
        if (measuring) {
          const p = pack(snap, bases.get(snap.node) ?? null);
          bases.set(snap.node, counterBaseOf(ts, p));
          rows.push({ node: snap.node, ts, data: JSON.stringify(p) });
          measured++;
        }
        if (pub) {
          outboxes[n]!.pushSnapshot(subjects.telemetry(names[n]!), snap);
          await outboxes[n]!.drain(pub, 5000);
        } else await js.publish(subjects.telemetry(names[n]!), JSON.stringify(snap));
      }
      if (rows.length > 0) bare.push(rows);
      for (const { c, n } of group) await waitFor(async () => ((await store.telemetry.stateOf(names[n]!))?.seq ?? 0) >= c + 1, { what: `${names[n]} seq ${c + 1} stored`, intervalMs: 2 });
    }
    profile?.take("ingest", true);
    store.checkpoint();
    const wrote = writeBytesOf("self") - s0;
    const natsWrote = srv.pid ? writeBytesOf(srv.pid) - n0 : NaN;
    const ceiling = bareTableCeiling(`${dir.path}/bare.sqlite`, bare, writeBytesOf);
    const simMs = measured * (10_000 / nodes);
    const perDay = (b: number) => ((b / simMs) * 86_400_000) / 1e6;
    const warm = f.warmup === "0" ? "" : `, the first ${f.warmup} min not measured`;
    console.log(`controller-disk: ${nodes} routers x ${cycles} snapshots (${f.minutes} simulated min at 10 s${warm}), ${perCommit} per batch (${controller.ingest.stats.batches} ingest batches), durable every ${f["durable-every"]} s, ${f.wire} on the wire; retention raw ${f["raw-hours"]} h, minute rollups ${f["minute-hours"]} h; rows ${JSON.stringify(await store.rowCounts())}`);
    console.log(`  clock simulated: a maintenance pass every 30 simulated s (${maintenanceMs.toFixed(0)} ms of passes in all, ${maintenanceCpuMs.toFixed(0)} ms of this process's CPU in them); wal_autocheckpoint ${autocheckpoint}`);
    console.log(`  controller process (SQLite, WAL + checkpoint): ${(wrote / measured).toFixed(0)} B/snapshot = ${perDay(wrote).toFixed(1)} MB/day (write_bytes x 24 h / ${(simMs / 60_000).toFixed(0)} simulated min)`);
    console.log(`  same-run ceiling (bare table of the same packed rows, same commits): ${(ceiling / measured).toFixed(0)} B/snapshot = ${perDay(ceiling).toFixed(1)} MB/day`);
    console.log(`  nats-server (JetStream file store):            ${(natsWrote / measured).toFixed(0)} B/snapshot = ${perDay(natsWrote).toFixed(1)} MB/day`);
    console.log(`  target: < 50 MB/day (controller)`);
    const pageSize = client.pragma("page_size", { simple: true }) as number;
    const kb = (pages: number) => `${((pages * pageSize) / 1024).toFixed(0)} KB`.padStart(8);
    console.log(`  database size (PRAGMA page_count x ${pageSize} B; in use = without the free pages; by tables and their indexes, dbstat) every ${f["size-every"]} simulated min; retention raw ${f["raw-hours"]} h, rollups minute ${f["minute-hours"]} h, quarter ${f["quarter-hours"]} h, hour ${f["hour-hours"]} h:`);
    for (const z of sizes) {
      const part = (g: string) => `${g} ${kb(z.by.get(g) ?? 0).trim()}`;
      console.log(`   ${String(z.min).padStart(5)} min: ${kb(z.pages)}, in use ${kb(z.pages - z.free)} (${["raw", "minute", "quarter", "hour", "other"].map(part).join(", ")})`);
    }
    if (profile) printProfile(profile, measured, perDay);
  } finally {
    profile?.close();
    await pub?.close();
    await controller.stop();
    await nc.close();
    store.close();
    await srv.dispose();
    dir.cleanup();
  }
}

function printProfile(p: WalProfile, snaps: number, perDay: (b: number) => number): void {
  const frameBytes = p.pageSize + 24;
  const mb = (frames: number, size = frameBytes) => `${perDay(frames * size).toFixed(1)} MB/day`;
  console.log(`  WAL frames (${p.pageSize} B pages, no checkpoint during the run): ${(p.total / snaps).toFixed(2)} per snapshot = ${mb(p.total)} of WAL`);
  for (const phase of ["ingest", "maintenance"]) {
    const rows = [...p.frames].filter(([k]) => k.startsWith(`${phase} `));
    const all = rows.reduce((a, [, n]) => a + n, 0);
    console.log(`   ${phase}: ${(all / snaps).toFixed(2)} frames per snapshot = ${mb(all)}, ${p.commits.get(phase) ?? 0} commits`);
    for (const [k, n] of rows.filter(([, n]) => n / snaps >= 0.005).sort((a, b) => b[1] - a[1])) console.log(`      ${k.slice(phase.length + 1).padEnd(32)} ${(n / snaps).toFixed(3)} per snapshot = ${mb(n)}`);
  }
  for (const n of [1000, 10_000]) {
    const pages = p.checkpointPages(n);
    console.log(`   checkpoints at wal_autocheckpoint ${n}: ${pages} pages = ${mb(pages, p.pageSize)}; WAL + checkpoints ${perDay(p.total * frameBytes + pages * p.pageSize).toFixed(1)} MB/day`);
  }
}
