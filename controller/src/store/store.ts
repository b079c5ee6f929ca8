import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate, schema } from "@meshfleet/migrations";
import { MeshfleetError, ERROR_CODES } from "@meshfleet/shared";
import { DEFAULT_RETENTION, type Clock, type RetentionConfig } from "./types";
import { NodesRepository } from "./nodes-repo";
import { TelemetryRepository } from "./telemetry-repo";
import { RollupsRepository } from "./rollups-repo";
import { MinuteRollups } from "./minute-rollups";
import { KeyframesRepository } from "./keyframes-repo";
import { Maintenance } from "./maintenance";
import { queryHistory, type HistoryQuery, type HistoryResult } from "./history";
import { querySeries, type SeriesQuery, type SeriesReader, type SeriesResult } from "./series";
import { asyncView, settled } from "./async-view";
import { TransactionQueue } from "./transaction-queue";
import { sqliteSql, type SqlDb } from "./sql/sql-db";
import { checkWritable, countRows } from "./sql/store-checks";
import { CORE_TABLES, type MaintenanceStore, type StoreApi, type TelemetryStore, type TransactionOptions } from "./store-api";

export type Schema = typeof schema;

/** Page size of a database the store creates (bytes). */
export const NEW_DATABASE_PAGE_SIZE = 1024;

/**
 * WAL pages after which a commit checkpoints (SQLite's default is 1000). A checkpoint
 * copies every distinct page in the WAL into the database file once; a page many commits
 * write (a table's last page, an index's, `node_state`'s) is copied once per checkpoint, and
 * each 1 KiB page copied dirties a 4 KiB page of the file in the page cache, so a larger WAL
 * writes fewer bytes. A 7-router home mesh at 10 s commits writes 192 MB/day at 10,000
 * pages and 170 at 40,000 (~42 MB of WAL on disk; `npm run bench -- controller-disk
 * --minutes 720 --warmup 180 --raw-hours 1 --minute-hours 1 --per-commit 7 --wal-pages N`).
 * Commits are as durable as before (they are in the WAL); a checkpoint comes every few hours.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 40_000;

/** Minutes rolled up at a time by default (see `MaintenanceOptions.rollupEveryMs`). */
export const ROLLUP_EVERY_MS = 10 * 60_000;

export interface StoreOptions {
  /** SQLite file (created if missing). */
  file: string;
  clock: Clock;
  retention?: Partial<RetentionConfig>;
  /** A minute is rolled up this long after it ended (default 2 min). */
  rollupGraceMs?: number;
  /** Minutes are rolled up and pruned this many at a time (default ROLLUP_EVERY_MS; MINUTE_MS: each minute on its own). */
  rollupEveryMs?: number;
  /** NORMAL (default) survives a killed process; FULL also survives a power cut, slower. */
  synchronous?: "NORMAL" | "FULL";
  /** Checkpoint when the WAL holds this many pages (default WAL_AUTOCHECKPOINT_PAGES). */
  walAutocheckpointPages?: number;
  /**
   * How long a write waits for another process's transaction (default 5 s). A running
   * controller holds its ingest transaction open for up to `--durable-every` (120 s): a
   * command that writes beside it (`token create`) waits longer.
   */
  busyTimeoutMs?: number;
  /** Recent raw rows as deltas against their window's first row (default true; false: every row whole). */
  rawDeltas?: boolean;
}

export class StoreError extends MeshfleetError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.storage, message, { cause });
  }
}

/** The SQLite store's own repositories, synchronous (better-sqlite3): for code that runs on SQLite only. */
export interface SqliteRepositories {
  telemetry: TelemetryRepository;
  rollups: RollupsRepository;
  /** The minute level (its own layout: `minute-rollups.ts`); `rollups` holds the quarter and hour levels. */
  minutes: MinuteRollups;
  maintenance: Maintenance;
}

/**
 * The controller's embedded storage: one SQLite file in WAL mode, migrated at open, behind
 * the async repositories of `StoreApi` (wrapping the synchronous ones in `sync`). This
 * folder is the only place that imports better-sqlite3.
 */
export class Store implements StoreApi {
  readonly dialect = "sqlite";
  /**
   * The drizzle database, for repository classes that run on SQLite only (detection, jobs,
   * ...): run multi-statement writes inside `store.transactionSync(fn)` (never
   * `db.transaction`, which cannot nest in the ingest's transaction).
   */
  readonly db: BetterSQLite3Database<Schema>;
  /** The synchronous repositories of SQLite's own layout (raw rows, rollups, maintenance; SQLite-only code and tests). */
  readonly sync: SqliteRepositories;
  readonly nodes: NodesRepository;
  readonly telemetry: TelemetryStore;
  readonly keyframes: KeyframesRepository;
  readonly maintenance: MaintenanceStore;
  readonly sql: SqlDb;
  readonly clock: Clock;
  readonly file: string;
  readonly retention: RetentionConfig;
  private readonly sqlite: Database.Database;
  private readonly queue = new TransactionQueue();
  /** A transaction left open by `transaction` with `hold`. */
  private held = false;
  /** `afterCommit` callbacks of the open transaction. */
  private readonly ending: ((committed: boolean, error?: Error) => void)[] = [];
  private readonly changes: Database.Statement;

  constructor(opts: StoreOptions) {
    this.file = opts.file;
    this.clock = opts.clock;
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    try {
      this.sqlite = new Database(opts.file);
      // A new database gets 1 KiB pages (an existing one keeps its size): every commit writes
      // each page it touches whole, and a snapshot's commit touches ~6 (its row, three
      // indexes, the node's state and its nodes row), so 4 KiB pages wrote 4x the bytes.
      this.sqlite.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
      this.sqlite.pragma("journal_mode = WAL");
      this.sqlite.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      this.sqlite.pragma(`synchronous = ${opts.synchronous ?? "NORMAL"}`);
      this.sqlite.pragma("cache_size = -65536");
      this.sqlite.pragma("temp_store = MEMORY");
      this.sqlite.pragma(`wal_autocheckpoint = ${opts.walAutocheckpointPages ?? WAL_AUTOCHECKPOINT_PAGES}`);
      this.db = drizzle(this.sqlite, { schema });
      migrate(this.db);
    } catch (err) {
      throw new StoreError(`cannot open the store at ${opts.file}: ${(err as Error).message}`, err);
    }
    this.changes = this.sqlite.prepare("SELECT total_changes()").pluck();
    this.sql = sqliteSql(this.sqlite, () => this.wroteOutside());
    const telemetry = new TelemetryRepository(this.sqlite, { deltas: opts.rawDeltas });
    const rollups = new RollupsRepository(this.sqlite);
    const minutes = new MinuteRollups(this.sqlite, telemetry, rollups);
    const maintenance = new Maintenance(this.sqlite, telemetry, rollups, minutes, {
      retention: this.retention,
      graceMs: opts.rollupGraceMs ?? 120_000,
      rollupEveryMs: opts.rollupEveryMs ?? ROLLUP_EVERY_MS,
      nodesPerChunk: 500,
      sliceMs: 20,
      rowsPerChunk: 1000,
    });
    this.sync = { telemetry, rollups, minutes, maintenance };
    this.nodes = new NodesRepository(this.sql);
    this.telemetry = {
      ...asyncView(telemetry, ["write", "stateOf", "states", "rawById", "latest", "at", "newest"]),
      writeMany: (list, receivedAt) => settled(() => list.map((s) => telemetry.write(s, receivedAt))),
      rawByIds: (ids) => settled(() => ids.flatMap((id) => telemetry.rawById(id) ?? [])),
      range: (node, from, to) => Promise.resolve([...telemetry.range(node, from, to)]),
    };
    this.keyframes = new KeyframesRepository(this.sql);
    this.maintenance = { ...asyncView(maintenance, ["noteSnapshotTs", "watermarks"]), run: (now) => maintenance.run(now) };
  }

  /**
   * Runs `fn` in one transaction (a call from inside joins it); commits when it resolves,
   * rolls back when it rejects. Transactions run one after another; SQLite has one
   * connection, so a synchronous write from elsewhere while `fn` awaits real I/O would
   * join it: keep `fn` to store calls. With `hold` the transaction is left open when `fn`
   * resolves (`held`): the next ones join it (each in a savepoint: one that rejects rolls
   * back alone) and this connection's reads see it, but nothing is durable until one
   * commits it: a transaction without `hold` that wrote, a write outside a transaction
   * (`sql`, `transactionSync`), `commitHeld`, `checkpoint` or `close`. Writes made
   * directly on the connection (maintenance) join it. `afterCommit` tells a caller when.
   */
  transaction<T>(fn: () => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return this.queue.run(fn, async () => {
      const joined = this.held;
      this.held = false;
      const mark = this.ending.length;
      const before = this.changes.get() as number;
      this.sqlite.exec(joined ? "SAVEPOINT batch" : "BEGIN IMMEDIATE");
      let released = false;
      let ok = false;
      try {
        const r = await fn();
        if (joined) this.sqlite.exec("RELEASE batch");
        released = true;
        if (opts.hold || (joined && this.changes.get() === before)) this.held = true;
        else this.end(true);
        ok = true;
        return r;
      } catch (err) {
        // A failed statement may have rolled back the whole held transaction (SQLITE_FULL, IOERR).
        if (!released && joined && this.sqlite.inTransaction) {
          this.sqlite.exec("ROLLBACK TO batch");
          this.sqlite.exec("RELEASE batch");
          this.held = true;
          for (const cb of this.ending.splice(mark)) cb(false);
        } else if (!released) this.end(false);
        throw err;
      } finally {
        this.sync.telemetry.settle(ok);
      }
    });
  }

  /** A transaction is open and held (`transaction` with `hold`): its writes are not durable yet. */
  get holding(): boolean {
    return this.held;
  }

  /** Inside a transaction: `cb(true)` once what it wrote is durable (committed), `cb(false)` if it is rolled back; outside: `cb(true)` now. */
  afterCommit(cb: (committed: boolean, error?: Error) => void): void {
    if (this.sqlite.inTransaction) this.ending.push(cb);
    else cb(true);
  }

  /** Commits the held transaction, if any (after the transactions queued before this call). */
  commitHeld(): Promise<void> {
    return this.queue.run(
      () => Promise.resolve(),
      () => Promise.resolve(this.held ? this.end(true) : undefined),
    );
  }

  /** Commits (or, with false or when the COMMIT fails, rolls back) the open transaction, then tells `afterCommit`'s callers; throws what the COMMIT threw. */
  private end(commit: boolean): void {
    this.held = false;
    let error: Error | undefined;
    if (commit) {
      try {
        this.sqlite.exec("COMMIT");
      } catch (err) {
        error = err as Error;
      }
    }
    if ((!commit || error) && this.sqlite.inTransaction) this.sqlite.exec("ROLLBACK");
    for (const cb of this.ending.splice(0)) cb(commit && !error, error);
    if (error) throw error;
  }

  /** A write outside every transaction of the queue (a feature repository's, `transactionSync`) commits the held transaction it joined. */
  private wroteOutside(): void {
    if (this.held && !this.queue.active) this.end(true);
  }

  /** `transaction` for synchronous SQLite-only code (drizzle repositories); joins a transaction already open (a held one: and commits it when `fn` wrote). */
  transactionSync<T>(fn: () => T): T {
    const outside = this.held && !this.queue.active;
    if (this.sqlite.inTransaction && !outside) return fn();
    const before = this.changes.get() as number;
    let ok = false;
    try {
      const r = this.sqlite.transaction(fn).immediate();
      ok = true;
      if (outside && this.changes.get() !== before) this.wroteOutside();
      return r;
    } finally {
      this.sync.telemetry.settle(ok);
    }
  }

  history(q: HistoryQuery): Promise<HistoryResult> {
    return queryHistory(q, this.reader());
  }

  series(q: SeriesQuery): Promise<SeriesResult> {
    return querySeries(q, this.reader());
  }

  private reader(): SeriesReader {
    const { telemetry, rollups, minutes, maintenance } = this.sync;
    return {
      raw: (node, from, to) => telemetry.range(node, from, to),
      newest: (node, from, to, limit) => Promise.resolve(telemetry.newest(node, from, to, limit)),
      rollups: (level, node, from, to, prefix) => (level === "minute" ? minutes.rangeSeries(node, from, to, prefix) : rollups.rangeSeries(level, node, from, to, prefix)),
      watermarks: maintenance.watermarks(),
    };
  }

  checkWritable(): Promise<{ ok: true } | { ok: false; error: string }> {
    return checkWritable(this.sql, this.clock.now());
  }

  /** Bytes on disk: the database file plus its WAL. */
  sizeBytes(): Promise<number> {
    return Promise.resolve(this.fileBytes());
  }

  /** `sizeBytes`, synchronously (SQLite-only code). */
  fileBytes(): number {
    let n = 0;
    for (const f of [this.file, `${this.file}-wal`]) {
      try {
        n += statSync(f).size;
      } catch {
        // the WAL may not exist
      }
    }
    return n;
  }

  async rowCounts(): Promise<Record<string, number>> {
    const out = await countRows(this.sql, CORE_TABLES);
    // SQLite keeps the recent raw rows in raw_recent and its slots (raw_snapshots is PostgreSQL's): counted as raw_snapshots.
    out.raw_snapshots! += this.sync.telemetry.recentRows.count();
    // SQLite keeps closed hours' minutes in one row a node and the open hour's in the raw rows: counted as minutes.
    out.rollups_minute = this.sync.minutes.count(0, Infinity, this.sync.maintenance.watermarks().minute ?? 0);
    return out;
  }

  /** Commits the held transaction, then moves the WAL into the database file (shutdown, benchmarks). */
  checkpoint(): void {
    if (this.held) this.end(true);
    this.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  }

  /** Commits the held transaction and closes the database. */
  close(): void {
    if (!this.sqlite.open) return;
    if (this.held) this.end(true);
    this.sqlite.close();
  }
}

/** Opens (creating and migrating as needed) the controller's store. */
export function openStore(opts: StoreOptions): Store {
  return new Store(opts);
}
