import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { tempDir } from "@meshfleet/testkit";
import type { Snapshot } from "@meshfleet/shared";
import { FakeClock, HOUR_MS, counterBaseOf, forEachSample, openStore, pack, writeBatch, type CounterBase, type IngestItem } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";

/**
 * Disk per snapshot in raw retention: bench-profile snapshots (20 stations, 10 mesh paths,
 * 20 routes, 10 counters) of --nodes nodes every 10 s for --minutes, written through the
 * controller's writeBatch in batches of --batch (as the ingest does), with a maintenance
 * pass every 30 s of simulated time (as the controller runs it: rollups, retention, packing
 * of closed windows into blocks), then one pass an hour after the last snapshot. Reports
 * where the bytes are (SQLite's dbstat: each table with its indexes, free pages), bytes per
 * snapshot and per numeric sample (the samples history serves: forEachSample) for raw
 * retention and rollups, and the bytes this process wrote (/proc/self/io write_bytes: WAL
 * and checkpoints included). Ceiling (same run): a bare SQLite table (node, ts, packed
 * JSON) with the same rows inserted in the same batches.
 *
 * Then a home mesh: --mesh-nodes routers every 10 s for --mesh-hours simulated hours, each
 * snapshot committed on its own (what the ingest does at this rate: one message per batch;
 * --mesh-commit-ms N commits what arrived within N ms together, to size a group commit),
 * maintenance every 30 s, raw and minute-rollup retention --mesh-raw-hours and
 * --mesh-minute-hours (short, so that retention is active within the run). Prints bytes
 * written per day (write_bytes of this process over the run, scaled to 24 h) and the
 * database size every --mesh-size-every simulated minutes (default 60).
 *
 *   npm run bench -- storage [--nodes 20] [--minutes 60] [--batch 100] [--mesh-nodes 7] [--mesh-hours 6] [--mesh-raw-hours 2] [--mesh-minute-hours 3] [--mesh-commit-ms 0] [--mesh-size-every 60]
 */
const writeBytes = () => Number(/write_bytes:\s+(\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? 0);
const T0 = Date.UTC(2026, 0, 1);
const MAINTENANCE_MS = 30_000;

const snapshotOf = (node: number, cycle: number, offsetMs: number): Snapshot =>
  buildSnapshot({ node: `node-${node}`, seq: cycle + 1, ts: T0 + cycle * 10_000 + offsetMs, signal: (i) => -50 - i - ((cycle * 7 + i) % 5) });

/** Bytes on disk per group of tables (each with its indexes), from SQLite's dbstat. */
function layout(file: string): { groups: Map<string, number>; payload: Map<string, number>; free: number } {
  const db = new Database(file, { readonly: true });
  try {
    const group = (name: string) => {
      for (const g of ["raw_recent", "raw_snapshots", "raw_blocks", "rollups_minute", "rollups_quarter", "rollups_hour", "node_state", "nodes"]) if (name === g || name.startsWith(`${g}_`) || name.startsWith(`sqlite_autoindex_${g}_`)) return g;
      return "other";
    };
    const groups = new Map<string, number>();
    for (const r of db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").all() as { name: string; bytes: number }[]) {
      groups.set(group(r.name), (groups.get(group(r.name)) ?? 0) + r.bytes);
    }
    const payload = new Map<string, number>();
    for (const t of ["raw_recent", "raw_blocks", "rollups_minute", "rollups_quarter", "rollups_hour"]) {
      payload.set(t, (db.prepare(`SELECT coalesce(sum(length(data)), 0) AS n FROM ${t}`).get() as { n: number }).n);
    }
    // SQLite's closed hours of minutes, one row a node (its group in dbstat is rollups_minute's too)
    payload.set("rollups_minute", payload.get("rollups_minute")! + (db.prepare("SELECT coalesce(sum(length(data)), 0) AS n FROM rollups_minute_hours").get() as { n: number }).n);
    const free = (db.pragma("freelist_count", { simple: true }) as number) * (db.pragma("page_size", { simple: true }) as number);
    return { groups, payload, free };
  } finally {
    db.close();
  }
}

async function fleetRun(dir: string, nodes: number, cycles: number, batch: number) {
  const items: IngestItem[] = [];
  for (let c = 0; c < cycles; c++) for (let n = 0; n < nodes; n++) items.push({ kind: "snapshot", msg: snapshotOf(n, c, n) });
  let samples = 0;
  const bases = new Map<string, CounterBase>();
  const packed = items.map((it) => {
    const s = it.msg as Snapshot;
    const p = pack(s, bases.get(s.node) ?? null);
    bases.set(s.node, counterBaseOf(s.ts, p));
    forEachSample(p, () => void samples++);
    return { node: s.node, ts: s.ts, data: JSON.stringify(p) };
  });

  const clock = new FakeClock(T0);
  const file = join(dir, "store.sqlite");
  const store = openStore({ file, clock });
  const w0 = writeBytes();
  const t0 = performance.now();
  let maintenanceMs = 0;
  let nextPass = T0 + MAINTENANCE_MS;
  for (let i = 0; i < items.length; i += batch) {
    const ts = (items[i]!.msg as Snapshot).ts;
    clock.set(ts);
    if (ts >= nextPass) {
      const tm = performance.now();
      await store.maintenance.run(ts);
      maintenanceMs += performance.now() - tm;
      nextPass += MAINTENANCE_MS;
    }
    await writeBatch(store, items.slice(i, i + batch), ts);
  }
  const tr = performance.now();
  await store.maintenance.run(T0 + cycles * 10_000 + HOUR_MS);
  const lastPassMs = performance.now() - tr;
  const insertMs = performance.now() - t0 - maintenanceMs - lastPassMs;
  store.checkpoint();
  const written = writeBytes() - w0;
  const counts = await store.rowCounts();
  store.close();
  return { n: items.length, samples, packed, file, written, counts, insertMs, maintenanceMs: maintenanceMs + lastPassMs, ...layout(file), size: statSync(file).size };
}

function ceilingRun(dir: string, packed: { node: string; ts: number; data: string }[], batch: number) {
  const cfile = join(dir, "ceiling.sqlite");
  const db = new Database(cfile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE raw (node TEXT NOT NULL, ts INTEGER NOT NULL, data TEXT NOT NULL)");
  const ins = db.prepare("INSERT INTO raw (node, ts, data) VALUES (?, ?, ?)");
  const tx = db.transaction((rows: typeof packed) => {
    for (const r of rows) ins.run(r.node, r.ts, r.data);
  });
  const w0 = writeBytes();
  const t0 = performance.now();
  for (let i = 0; i < packed.length; i += batch) tx(packed.slice(i, i + batch));
  const ms = performance.now() - t0;
  db.pragma("wal_checkpoint(TRUNCATE)");
  const written = writeBytes() - w0;
  db.close();
  return { size: statSync(cfile).size, written, ms };
}

async function meshRun(dir: string, nodes: number, hours: number, rawHours: number, minuteHours: number, commitMs: number, sizeEveryMin: number) {
  const clock = new FakeClock(T0);
  const file = join(dir, "mesh.sqlite");
  const store = openStore({ file, clock, retention: { rawMs: rawHours * HOUR_MS, minuteMs: minuteHours * HOUR_MS } });
  const cycles = (hours * HOUR_MS) / 10_000;
  const sizes: number[] = [];
  const w0 = writeBytes();
  let nextPass = T0 + MAINTENANCE_MS;
  let pending: IngestItem[] = [];
  for (let c = 0; c < cycles; c++) {
    for (let n = 0; n < nodes; n++) {
      // Routers' cycles spread over the 10 s interval; a commit per snapshot, or per --mesh-commit-ms.
      const s = snapshotOf(n, c, Math.floor((n * 10_000) / nodes));
      clock.set(s.ts);
      if (s.ts >= nextPass) {
        await store.maintenance.run(s.ts);
        nextPass += MAINTENANCE_MS;
      }
      pending.push({ kind: "snapshot", msg: s });
      if (s.ts - (pending[0]!.msg as Snapshot).ts >= commitMs) {
        await writeBatch(store, pending, s.ts);
        pending = [];
      }
    }
    if ((c + 1) % (sizeEveryMin * 6) === 0) sizes.push(await store.sizeBytes());
  }
  const written = writeBytes() - w0;
  const counts = await store.rowCounts();
  store.close();
  return { written, perDay: (written / hours) * 24, sizes, counts, snapshots: cycles * nodes };
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

export default async function storageBench(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string", default: "20" },
      minutes: { type: "string", default: "60" },
      batch: { type: "string", default: "100" },
      "mesh-nodes": { type: "string", default: "7" },
      "mesh-hours": { type: "string", default: "6" },
      "mesh-raw-hours": { type: "string", default: "2" },
      "mesh-minute-hours": { type: "string", default: "3" },
      "mesh-commit-ms": { type: "string", default: "0" },
      "mesh-size-every": { type: "string", default: "60" },
    },
  });
  const nodes = Number(f.nodes);
  const cycles = Math.round((Number(f.minutes) * 60_000) / 10_000);
  const batch = Number(f.batch);
  const dir = tempDir("mf-bench-storage-");
  try {
    const r = await fleetRun(dir.path, nodes, cycles, batch);
    const c = ceilingRun(dir.path, r.packed, batch);
    const { n, samples } = r;
    const g = (k: string) => r.groups.get(k) ?? 0;
    const raw = g("raw_recent") + g("raw_snapshots") + g("raw_blocks");
    const rollups = g("rollups_minute") + g("rollups_quarter") + g("rollups_hour");
    const live = [...r.groups.values()].reduce((a, b) => a + b, 0);
    const per = (b: number) => `${(b / n).toFixed(0)} B/snapshot, ${(b / samples).toFixed(2)} B/sample`;
    console.log(`storage: ${nodes} nodes x ${cycles} snapshots (${f.minutes} min at 10 s), ${(samples / n).toFixed(0)} numeric samples per snapshot; rows ${JSON.stringify(r.counts)}`);
    console.log(`  where the bytes are (dbstat, each table with its indexes; payload = sum(length(data))):`);
    for (const [k, v] of [...r.groups].sort((a, b) => b[1] - a[1])) {
      const p = r.payload.get(k);
      console.log(`    ${k.padEnd(15)} ${kb(v).padStart(10)}  ${per(v)}${p === undefined ? "" : `; payload ${kb(p)}`}`);
    }
    console.log(`    free pages      ${kb(r.free).padStart(10)}  (rows moved into blocks; reused by the next writes)`);
    console.log(`  raw retention  ${per(raw)} (recent rows + blocks, indexes included)`);
    console.log(`  rollups        ${per(rollups)} (minute + hour)`);
    console.log(`  total live     ${per(live)}; file ${per(r.size)} (free pages included)`);
    console.log(`  wrote ${(r.written / n).toFixed(0)} B/snapshot; insert ${((r.insertMs * 1000) / n).toFixed(0)} us/snapshot, maintenance ${r.maintenanceMs.toFixed(0)} ms in all`);
    console.log(`  ceiling  ${(c.size / n).toFixed(0)} B/snapshot, ${(c.size / samples).toFixed(1)} B/sample (bare table, same packed rows, no packing); wrote ${(c.written / n).toFixed(0)} B/snapshot; insert ${((c.ms * 1000) / n).toFixed(0)} us/snapshot`);
    console.log(`  raw retention/ceiling ${(raw / c.size).toFixed(3)}x, insert time ${(r.insertMs / c.ms).toFixed(2)}x; target <= 2 B/sample (<= 600 B/snapshot) in raw retention`);

    const m = await meshRun(dir.path, Number(f["mesh-nodes"]), Number(f["mesh-hours"]), Number(f["mesh-raw-hours"]), Number(f["mesh-minute-hours"]), Number(f["mesh-commit-ms"]), Number(f["mesh-size-every"]));
    const commits = f["mesh-commit-ms"] === "0" ? "one snapshot per commit" : `one commit per ${f["mesh-commit-ms"]} ms of snapshots`;
    console.log(`mesh: ${f["mesh-nodes"]} routers at 10 s, ${commits}, ${f["mesh-hours"]} simulated h, retention raw ${f["mesh-raw-hours"]} h, minute rollups ${f["mesh-minute-hours"]} h; rows ${JSON.stringify(m.counts)}`);
    console.log(`  wrote ${(m.written / m.snapshots).toFixed(0)} B/snapshot = ${(m.perDay / 1e6).toFixed(0)} MB/day (write_bytes over the run x 24 h / ${f["mesh-hours"]} h); target < 50 MB/day`);
    console.log(`  database + WAL size every ${f["mesh-size-every"]} simulated min: ${m.sizes.map(kb).join(", ")}`);
  } finally {
    dir.cleanup();
  }
}
