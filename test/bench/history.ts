import { existsSync, statSync } from "node:fs";
import { constants, deflateRawSync } from "node:zlib";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { tempDir } from "@meshfleet/testkit";
import { createApi, decodeAgg, encodeAgg, FakeClock, HOUR_MS, MINUTE_MS, openStore, QUARTER_MS, Registry, silentLogger, writeBatch, type AggMap } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";
import { timeRuns } from "./timing";

/**
 * `/api/history` for one metric of one node over 30 days, against a database of --nodes
 * nodes x --days days of hour rollups (and the queried node's minute and quarter-hour
 * rollups for the same days, the minutes as SQLite stores them: a row per hour; every
 * node's would be 3,600 rows a node, too many to generate in a bench). The rollup rows are real ones: one bench-profile node (20 stations, 10 mesh
 * paths, 20 routes, 10 counters) is ingested for an hour and rolled up by the store's
 * maintenance; its rows are then copied under every node and bucket by plain INSERTs
 * (fast), with the rollup watermarks set to the end, as maintenance leaves them. Every node's
 * rows lie side by side in the file (a live fleet's are interleaved by time).
 *
 * Prints the answer time through the in-process API (median and worst of --runs, first
 * query after opening the store separately), for step 1h (hour rollups, 720 buckets) and
 * step 5m over the whole range (which the store answers from the level and at the step it
 * prints), and step 1m over the last 2 days (from the minutes), in wall and CPU time (the CPU time of the process moves much less with other work
 * on a shared machine). Ceiling (same run): the bare SELECT of the same rollup rows (no
 * inflate, no JSON) on the same database, with the store's page cache size. Also prints what writing a row
 * costs: the store's encoding (one deflated segment per metric) against deflating the whole
 * row's JSON in one call (the format before).
 *
 * `--db FILE` keeps the generated database in FILE and reuses it when it exists (generating
 * 1,000 nodes takes minutes), e.g. to compare two versions of the code on the same rows.
 *
 *   npm run bench -- history [--nodes 1000] [--days 30] [--runs 20] [--db FILE]
 */
const T0 = Date.UTC(2026, 0, 1);

interface SampleRows {
  /** The sample's first hour of minutes, one row (SQLite's `rollups_minute_hours`). */
  minuteHour: Buffer;
  quarter: Buffer[];
  hour: Buffer;
}

/** The sample node's rollup rows, as the store wrote them. */
function rowsOf(file: string): SampleRows {
  const db = new Database(file, { readonly: true });
  try {
    const minuteHour = (db.prepare("SELECT data FROM rollups_minute_hours WHERE node_id = 'sample' AND bucket = ?").get(T0) as { data: Buffer } | undefined)?.data;
    const quarter = (db.prepare("SELECT data FROM rollups_quarter WHERE node_id = 'sample' ORDER BY bucket").all() as { data: Buffer }[]).map((r) => r.data);
    const hour = (db.prepare("SELECT data FROM rollups_hour WHERE node_id = 'sample'").get() as { data: Buffer } | undefined)?.data;
    if (!hour || !minuteHour || quarter.length === 0) throw new Error("the sample hour was not rolled up");
    return { minuteHour, quarter, hour };
  } finally {
    db.close();
  }
}

/** The fleet's database: hour rollups of every node, minute rollups of the queried one. */
function generate(file: string, o: { nodes: number; hours: number; target: string; end: number }, rows: SampleRows): void {
  const { nodes, hours, target, end } = o;
  openStore({ file, clock: new FakeClock(T0) }).close();
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const putHour = db.prepare("INSERT INTO rollups_hour (node_id, bucket, data) VALUES (?, ?, ?)");
  const putMinuteHour = db.prepare("INSERT INTO rollups_minute_hours (node_id, bucket, data) VALUES (?, ?, ?)");
  db.transaction(() => {
    for (let n = 0; n < nodes; n++) {
      const node = `node-${String(n).padStart(4, "0")}`;
      for (let h = 0; h < hours; h++) putHour.run(node, T0 + h * HOUR_MS, rows.hour);
    }
    for (let h = 0; h < hours; h++) putMinuteHour.run(target, T0 + h * HOUR_MS, rows.minuteHour);
    const meta = db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)");
    meta.run("rollup.minute.next", String(end));
    meta.run("rollup.minute.stored", String(end));
    meta.run("rollup.hour.next", String(end));
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  addQuarters(file, o, rows.quarter);
}

/** The queried node's quarter-hour rollups, when the database lacks them (one generated before they existed). */
function addQuarters(file: string, o: { hours: number; target: string; end: number }, quarter: Buffer[]): void {
  openStore({ file, clock: new FakeClock(T0) }).close(); // migrates
  const db = new Database(file);
  try {
    if (db.prepare("SELECT 1 FROM rollups_quarter WHERE node_id = ?").get(o.target)) return;
    const put = db.prepare("INSERT INTO rollups_quarter (node_id, bucket, data) VALUES (?, ?, ?)");
    db.transaction(() => {
      for (let q = 0; q < o.hours * 4; q++) put.run(o.target, T0 + q * QUARTER_MS, quarter[q % quarter.length]!);
      db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)").run("rollup.quarter.next", String(o.end));
    })();
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

/** What writing one rollup row costs: the store's format against the whole JSON deflated in one call. */
function encodeCost(agg: AggMap): void {
  const whole = () => deflateRawSync(`${JSON.stringify(agg)}\n`, { finishFlush: constants.Z_FULL_FLUSH });
  const times100 = (encode: () => Buffer) => () => {
    for (let i = 0; i < 100; i++) encode();
    return 100;
  };
  timeRuns(`encode an hour row of ${Object.keys(agg).length} series x 100, segment per metric (${encodeAgg(agg).length} B)`, 10, times100(() => encodeAgg(agg)), { unit: "rows" });
  timeRuns(`encode an hour row x 100, whole JSON in one deflate (${whole().length} B)`, 10, times100(whole), { unit: "rows" });
}

export default async function history(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { nodes: { type: "string", default: "1000" }, days: { type: "string", default: "30" }, runs: { type: "string", default: "20" }, db: { type: "string" } } });
  const nodes = Number(f.nodes);
  const hours = Number(f.days) * 24;
  const runs = Number(f.runs);
  const dir = tempDir("mf-bench-history-");
  try {
    // 1. real rollup rows of one bench-profile node
    const sampleFile = `${dir.path}/sample.sqlite`;
    const sampleClock = new FakeClock(T0);
    const sample = openStore({ file: sampleFile, clock: sampleClock });
    for (let c = 0; c <= 372; c++) {
      const ts = T0 + c * 10_000;
      sampleClock.set(ts);
      await writeBatch(sample, [{ kind: "snapshot", msg: buildSnapshot({ node: "sample", seq: c + 1, ts, signal: (i) => -50 - i - ((c * 7 + i) % 5) }) }], ts);
    }
    await sample.maintenance.run(T0 + 2 * HOUR_MS);
    const mac = (await sample.telemetry.latest("sample"))?.raw?.data.st[0]?.[1] ?? "";
    sample.close();
    const rows = rowsOf(sampleFile);
    encodeCost(decodeAgg(rows.hour));

    // 2. the fleet's database: hour rollups of every node, minute rollups of the queried one
    const file = f.db ?? `${dir.path}/fleet.sqlite`;
    const end = T0 + hours * HOUR_MS;
    const target = `node-${String(Math.floor(nodes / 2)).padStart(4, "0")}`;
    const t0 = performance.now();
    const reused = existsSync(file);
    if (!reused) generate(file, { nodes, hours, target, end }, rows);
    else addQuarters(file, { hours, target, end }, rows.quarter);
    const built = reused ? `reused ${file}` : `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    const size = statSync(file).size;
    console.log(
      `history: ${nodes} nodes x ${f.days} days of hour rollups (${nodes * hours} rows) + ${target}'s minute and quarter-hour rollups (${hours * 60} minutes in ${hours} rows + ${hours * 4} rows); database ${(size / 1e6).toFixed(0)} MB, ${built}; hour row ${rows.hour.length} B, quarter row ${rows.quarter[0]!.length} B, an hour of minutes ${rows.minuteHour.length} B (deflated)`,
    );

    // 3. the API on it
    const clock = new FakeClock(end);
    const store = openStore({ file, clock });
    const app = createApi({ store, clock, log: silentLogger, registry: new Registry(), openAlertCounts: () => new Map() });
    const lastDays = end - 2 * 24 * HOUR_MS;
    const ask = async (step: string): Promise<string> => {
      const r = await app.request(`/api/history?node=${target}&metric=signal&key=${mac}&from=${step === "1m" ? lastDays : T0}&to=${end}&step=${step}`);
      if (r.status !== 200) throw new Error(`history answered ${r.status}: ${await r.text()}`);
      const a = (await r.json()) as { points: unknown[]; step: number; source: string };
      return `${a.points.length} points at ${a.step / MINUTE_MS} min from ${a.source}`;
    };
    for (const step of ["1h", "5m", "1m"]) {
      const c0 = performance.now();
      const answer = await ask(step);
      console.log(`  step ${step}: first query after opening ${(performance.now() - c0).toFixed(1)} ms (${answer})`);
      const ms: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < runs; i++) {
        const c = process.cpuUsage();
        const s = performance.now();
        await ask(step);
        ms.push(performance.now() - s);
        const used = process.cpuUsage(c);
        cpu.push((used.user + used.system) / 1000);
      }
      ms.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const median = ms[Math.floor(ms.length / 2)]!;
      console.log(
        `  step ${step}: median ${median.toFixed(1)} ms (CPU ${cpu[Math.floor(cpu.length / 2)]!.toFixed(1)} ms), worst ${ms.at(-1)!.toFixed(1)} ms over ${runs} runs; target < 100 ms: median ${median < 100 ? "met" : "NOT met"}, worst ${ms.at(-1)! < 100 ? "met" : "NOT met"}`,
      );
    }
    store.close();

    // 4. ceiling: the same rows, read bare (with the store's page cache, so that repeated runs read from memory as the store's do)
    const bare = new Database(file, { readonly: true });
    bare.pragma("cache_size = -65536");
    const hourRows = bare.prepare("SELECT data FROM rollups_hour WHERE node_id = ? AND bucket >= ? AND bucket < ?");
    const quarterRows = bare.prepare("SELECT data FROM rollups_quarter WHERE node_id = ? AND bucket >= ? AND bucket < ?");
    const minuteRows = bare.prepare("SELECT data FROM rollups_minute_hours WHERE node_id = ? AND bucket >= ? AND bucket < ?");
    timeRuns("  ceiling, bare SELECT of the hour rows", runs, () => hourRows.all(target, T0, end).length, { unit: "rows", cpu: true });
    timeRuns("  ceiling, bare SELECT of the quarter-hour rows", runs, () => quarterRows.all(target, T0, end).length, { unit: "rows", cpu: true });
    timeRuns("  ceiling, bare SELECT of the rows of the last 2 days' minutes", runs, () => minuteRows.all(target, lastDays, end).length, { unit: "rows", cpu: true });
    bare.close();
  } finally {
    dir.cleanup();
  }
}
