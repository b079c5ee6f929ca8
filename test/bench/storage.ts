import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, counterBaseOf, forEachSample, openStore, pack, writeBatch, type CounterBase, type IngestItem } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";

/**
 * Disk per snapshot in raw retention: bench-profile snapshots (20 stations, 10 mesh paths,
 * 20 routes, 10 counters) of --nodes nodes every 10 s for --minutes, written through the
 * controller's writeBatch in batches of --batch (as the ingest does), then one rollup pass.
 * Reports the database's bytes per snapshot and per numeric sample (the samples history
 * serves: forEachSample), rollups included, and the bytes this process wrote
 * (/proc/self/io write_bytes: WAL and checkpoints included). Ceiling (same run): a bare
 * SQLite table (node, ts, packed JSON) with the same rows inserted in the same batches.
 *
 *   npm run bench -- storage [--nodes 20] [--minutes 60] [--batch 100]
 */
const writeBytes = () => Number(/write_bytes:\s+(\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? 0);

export default async function storageBench(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { nodes: { type: "string", default: "20" }, minutes: { type: "string", default: "60" }, batch: { type: "string", default: "100" } } });
  const nodes = Number(f.nodes);
  const cycles = Math.round((Number(f.minutes) * 60_000) / 10_000);
  const batch = Number(f.batch);
  const T0 = Date.UTC(2026, 0, 1);
  const dir = tempDir("mf-bench-storage-");
  try {
    const items: IngestItem[] = [];
    for (let c = 0; c < cycles; c++) {
      for (let n = 0; n < nodes; n++) items.push({ kind: "snapshot", msg: buildSnapshot({ node: `node-${n}`, seq: c + 1, ts: T0 + c * 10_000 + n, signal: (i) => -50 - i - ((c * 7 + i) % 5) }) });
    }
    let samples = 0;
    const bases = new Map<string, CounterBase>();
    const packed = items.map((it) => {
      const s = it.msg as Extract<IngestItem, { kind: "snapshot" }>["msg"];
      const p = pack(s, bases.get(s.node) ?? null);
      bases.set(s.node, counterBaseOf(s.ts, p));
      forEachSample(p, () => void samples++);
      return { node: s.node, ts: s.ts, data: JSON.stringify(p) };
    });

    // The store, as the ingest writes it.
    const clock = new FakeClock(T0);
    const file = join(dir.path, "store.sqlite");
    const store = openStore({ file, clock });
    const w0 = writeBytes();
    const t0 = performance.now();
    for (let i = 0; i < items.length; i += batch) {
      clock.set((items[i]!.msg as { ts: number }).ts);
      writeBatch(store, items.slice(i, i + batch), clock.now());
    }
    const insertMs = performance.now() - t0;
    const tr = performance.now();
    await store.maintenance.run(T0 + cycles * 10_000 + 3600_000);
    const rollupMs = performance.now() - tr;
    store.checkpoint();
    const written = writeBytes() - w0;
    const counts = store.rowCounts();
    store.close();
    const size = statSync(file).size;

    // Ceiling: a bare table of the same packed rows, same batches.
    const cfile = join(dir.path, "ceiling.sqlite");
    const db = new Database(cfile);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec("CREATE TABLE raw (node TEXT NOT NULL, ts INTEGER NOT NULL, data TEXT NOT NULL)");
    const ins = db.prepare("INSERT INTO raw (node, ts, data) VALUES (?, ?, ?)");
    const tx = db.transaction((rows: typeof packed) => {
      for (const r of rows) ins.run(r.node, r.ts, r.data);
    });
    const cw0 = writeBytes();
    const c0 = performance.now();
    for (let i = 0; i < packed.length; i += batch) tx(packed.slice(i, i + batch));
    const ceilingMs = performance.now() - c0;
    db.pragma("wal_checkpoint(TRUNCATE)");
    const cwritten = writeBytes() - cw0;
    db.close();
    const csize = statSync(cfile).size;

    const n = items.length;
    const perSnap = size / n;
    console.log(`storage: ${nodes} nodes x ${cycles} snapshots (${f.minutes} min at 10 s), ${(samples / n).toFixed(0)} numeric samples per snapshot; rows ${JSON.stringify(counts)}`);
    console.log(`  store    ${perSnap.toFixed(0)} B/snapshot, ${(size / samples).toFixed(1)} B/sample (rollups included); wrote ${(written / n).toFixed(0)} B/snapshot; insert ${((insertMs * 1000) / n).toFixed(0)} us/snapshot, rollup pass ${rollupMs.toFixed(0)} ms`);
    console.log(`  ceiling  ${(csize / n).toFixed(0)} B/snapshot, ${(csize / samples).toFixed(1)} B/sample (bare table, same packed rows); wrote ${(cwritten / n).toFixed(0)} B/snapshot; insert ${((ceilingMs * 1000) / n).toFixed(0)} us/snapshot`);
    console.log(`  store/ceiling: size ${(size / csize).toFixed(2)}x, insert time ${(insertMs / ceilingMs).toFixed(2)}x; target <= 2 B/sample (<= 600 B/snapshot)`);
    console.log(`  a 7-router mesh at 10 s (60,480 snapshots/day) at this rate: ${((written / n) * 60_480 / 1e6).toFixed(0)} MB written/day, ${((perSnap * 60_480) / 1e6).toFixed(0)} MB/day of database growth before retention`);
  } finally {
    dir.cleanup();
  }
}
