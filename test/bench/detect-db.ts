import { parseArgs } from "node:util";
import pg from "pg";
import { DetectionService, FakeClock, openStore, PgStore, silentLogger, writeBatch, type IngestItem, type StoreApi } from "@meshfleet/controller";
import { buildHello, createTestDatabase, macOf, TEST_PG_URL } from "@meshfleet/controller/testing";
import { tempDir } from "@meshfleet/testkit";
import { detectRound } from "./detect";

/**
 * Where an ingest batch's time goes, SQLite against PostgreSQL in one run: N nodes send R
 * rounds of bench-profile snapshots in batches of B, each batch written as the ingest does
 * (`writeBatch`, one transaction) and then passed to the DetectionService (one transaction,
 * as after each committed batch); 1 node in 10 has a flapping default route. Per store:
 * milliseconds per ingest write and per detection pass, and on PostgreSQL the statements
 * sent per batch (round trips, BEGIN and COMMIT included).
 *
 *   npm run bench -- detect-db [--pg postgres://postgres@127.0.0.1:5432/postgres] [--nodes 30] [--rounds 20] [--batch 10]
 */

/** Every statement a pg client sends, counted (pool and transaction clients alike). */
let statements = 0;
const sendQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  statements++;
  return sendQuery.apply(this, a);
} as typeof pg.Client.prototype.query;

interface Figures {
  name: string;
  batches: number;
  snapshots: number;
  writeMs: number;
  detectMs: number;
  writeStatements: number;
  detectStatements: number;
  events: number;
}

async function run(name: string, store: StoreApi, clock: FakeClock, o: { nodes: number; rounds: number; batch: number }): Promise<Figures> {
  const svc = new DetectionService({ store, clock, log: silentLogger });
  await svc.load();
  const ids = Array.from({ length: o.nodes }, (_, i) => `n${i}`);
  const hellos: IngestItem[] = ids.map((node, i) => ({ kind: "hello", msg: buildHello({ node, ts: clock.now(), macs: [macOf(i)], linkLocal: [`fe80::${(i + 1).toString(16)}`] }) }));
  await writeBatch(store, hellos, clock.now());
  await svc.handle(hellos);
  const f: Figures = { name, batches: 0, snapshots: 0, writeMs: 0, detectMs: 0, writeStatements: 0, detectStatements: 0, events: 0 };
  for (let r = 1; r <= o.rounds; r++) {
    clock.advance(10_000);
    const items = detectRound(ids, r, clock.now());
    for (let k = 0; k < items.length; k += o.batch) {
      const batch = items.slice(k, k + o.batch);
      const s0 = statements;
      const t0 = performance.now();
      await writeBatch(store, batch, clock.now());
      const t1 = performance.now();
      const s1 = statements;
      await svc.handle(batch);
      f.detectMs += performance.now() - t1;
      f.writeMs += t1 - t0;
      f.writeStatements += s1 - s0;
      f.detectStatements += statements - s1;
      f.batches++;
      f.snapshots += batch.length;
    }
  }
  f.events = (await svc.repo.events({ limit: 5000 })).length;
  return f;
}

export default async function detectDbBench(argv: string[]): Promise<void> {
  const { values: a } = parseArgs({ args: argv, options: { pg: { type: "string", default: TEST_PG_URL }, nodes: { type: "string", default: "30" }, rounds: { type: "string", default: "20" }, batch: { type: "string", default: "10" } } });
  const o = { nodes: Number(a.nodes), rounds: Number(a.rounds), batch: Number(a.batch) };
  console.log(`detect-db: ${o.nodes} nodes x ${o.rounds} rounds, batches of ${o.batch}: ingest write (writeBatch) then detection pass (DetectionService.handle), node ${process.version}`);
  const dir = tempDir("mf-bench-detect-db-");
  const db = await createTestDatabase(a.pg);
  const rows: Figures[] = [];
  try {
    const c1 = new FakeClock(1_700_000_000_000);
    const sqlite = openStore({ file: `${dir.path}/c.sqlite`, clock: c1 });
    rows.push(await run("sqlite", sqlite, c1, o));
    sqlite.close();
    const c2 = new FakeClock(1_700_000_000_000);
    const pgStore = await PgStore.open({ url: db.url, clock: c2 });
    rows.push(await run("postgres", pgStore, c2, o));
    await pgStore.close();
  } finally {
    await db.drop();
    dir.cleanup();
  }
  console.log("store     batches  snapshots  write ms/batch  detect ms/batch  statements/write  statements/detect  snapshots/s (write+detect)  events");
  for (const r of rows) {
    const perStmt = (n: number) => (r.name === "postgres" ? (n / r.batches).toFixed(1) : "-");
    console.log(
      `${r.name.padEnd(9)} ${String(r.batches).padStart(7)} ${String(r.snapshots).padStart(10)} ${(r.writeMs / r.batches).toFixed(2).padStart(15)} ${(r.detectMs / r.batches).toFixed(2).padStart(16)} ${perStmt(r.writeStatements).padStart(17)} ${perStmt(r.detectStatements).padStart(18)} ${(r.snapshots / ((r.writeMs + r.detectMs) / 1000)).toFixed(0).padStart(27)} ${String(r.events).padStart(7)}`,
    );
  }
}
