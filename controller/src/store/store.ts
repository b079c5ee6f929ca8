import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate, schema } from "@meshfleet/migrations";
import { MeshfleetError, ERROR_CODES } from "@meshfleet/shared";
import { DEFAULT_RETENTION, type Clock, type RetentionConfig } from "./types";
import { NodesRepository } from "./nodes-repo";
import { TelemetryRepository } from "./telemetry-repo";
import { RollupsRepository } from "./rollups-repo";
import { KeyframesRepository } from "./keyframes-repo";
import { Maintenance } from "./maintenance";
import { queryHistory, type HistoryQuery, type HistoryResult } from "./history";
import { querySeries, type SeriesQuery, type SeriesResult } from "./series";

export type Schema = typeof schema;

export interface StoreOptions {
  /** SQLite file (created if missing). */
  file: string;
  clock: Clock;
  retention?: Partial<RetentionConfig>;
  /** A minute is rolled up this long after it ended (default 2 min). */
  rollupGraceMs?: number;
  /** NORMAL (default) survives a killed process; FULL also survives a power cut, slower. */
  synchronous?: "NORMAL" | "FULL";
}

export class StoreError extends MeshfleetError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.storage, message, { cause });
  }
}

/**
 * The controller's storage: one SQLite file in WAL mode, migrated at open, behind
 * repository objects. This folder is the only place that imports better-sqlite3.
 */
export class Store {
  /**
   * The drizzle database, for repository classes only (detection, jobs, ...): build your
   * repository around it, run multi-statement writes inside `store.transaction(fn)`
   * (never `db.transaction`, which cannot nest in the ingest's transaction).
   */
  readonly db: BetterSQLite3Database<Schema>;
  readonly nodes: NodesRepository;
  readonly telemetry: TelemetryRepository;
  readonly rollups: RollupsRepository;
  readonly keyframes: KeyframesRepository;
  readonly maintenance: Maintenance;
  readonly clock: Clock;
  readonly file: string;
  readonly retention: RetentionConfig;
  private readonly sqlite: Database.Database;
  private depth = 0;

  constructor(opts: StoreOptions) {
    this.file = opts.file;
    this.clock = opts.clock;
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    try {
      this.sqlite = new Database(opts.file);
      this.sqlite.pragma("journal_mode = WAL");
      this.sqlite.pragma("busy_timeout = 5000");
      this.sqlite.pragma(`synchronous = ${opts.synchronous ?? "NORMAL"}`);
      this.sqlite.pragma("cache_size = -65536");
      this.sqlite.pragma("temp_store = MEMORY");
      this.db = drizzle(this.sqlite, { schema });
      migrate(this.db);
    } catch (err) {
      throw new StoreError(`cannot open the store at ${opts.file}: ${(err as Error).message}`, err);
    }
    this.nodes = new NodesRepository(this.sqlite);
    this.telemetry = new TelemetryRepository(this.sqlite);
    this.rollups = new RollupsRepository(this.sqlite);
    this.keyframes = new KeyframesRepository(this.sqlite);
    this.maintenance = new Maintenance(this.sqlite, this.telemetry, this.rollups, {
      retention: this.retention,
      graceMs: opts.rollupGraceMs ?? 120_000,
      nodesPerChunk: 500,
      sliceMs: 20,
      rowsPerChunk: 1000,
    });
  }

  /** Runs `fn` in one transaction (nested calls join the outer one); rolls back if it throws. */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    let ok = false;
    try {
      const r = this.sqlite.transaction(fn).immediate();
      ok = true;
      return r;
    } finally {
      this.depth--;
      this.telemetry.settle(ok);
    }
  }

  history(q: HistoryQuery): HistoryResult {
    return queryHistory(q, this.telemetry, this.rollups, this.maintenance.watermarks());
  }

  /** Every series of one metric of one node on one time axis (charts). */
  series(q: SeriesQuery): SeriesResult {
    return querySeries(q, this.telemetry, this.rollups, this.maintenance.watermarks());
  }

  /** True when a write commits now (health check). */
  checkWritable(): { ok: true } | { ok: false; error: string } {
    try {
      this.sqlite.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('health.probe', ?)").run(String(this.clock.now()));
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  /** Bytes on disk: the database file plus its WAL. */
  sizeBytes(): number {
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

  /** Row counts per core table (tests, metrics). */
  rowCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of ["nodes", "node_macs", "node_addresses", "node_state", "raw_snapshots", "raw_blocks", "rollups_minute", "rollups_hour"]) {
      out[t] = (this.sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    return out;
  }

  /** Moves the WAL into the database file (shutdown, benchmarks). */
  checkpoint(): void {
    this.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

/** Opens (creating and migrating as needed) the controller's store. */
export function openStore(opts: StoreOptions): Store {
  return new Store(opts);
}
