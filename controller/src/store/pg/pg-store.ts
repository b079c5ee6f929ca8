import { DEFAULT_RETENTION, type Clock, type RetentionConfig } from "../types";
import { StoreError } from "../store";
import { CORE_TABLES, type StoreApi } from "../store-api";
import { queryHistory, type HistoryQuery, type HistoryResult } from "../history";
import { querySeries, type SeriesQuery, type SeriesReader, type SeriesResult } from "../series";
import type { SqlDb } from "../sql/sql-db";
import { NodesRepository } from "../nodes-repo";
import { KeyframesRepository } from "../keyframes-repo";
import { checkWritable, countRows } from "../sql/store-checks";
import { PgDb } from "./pg-db";
import { PgTelemetry } from "./pg-telemetry";
import { PgRollups } from "./pg-rollups";
import { PgMaintenance } from "./pg-maintenance";

export interface PgStoreOptions {
  /** `postgres://user@host:port/database` */
  url: string;
  clock: Clock;
  retention?: Partial<RetentionConfig>;
  /** A minute is rolled up this long after it ended (default 2 min). */
  rollupGraceMs?: number;
  /** Connections in the pool (default 8). */
  poolSize?: number;
}

/**
 * The store on PostgreSQL, for fleets that outgrow one machine: the same repositories as
 * the SQLite store (`StoreApi`), the schema derived from SQLite's and migrated at open.
 * Several controllers may share one database.
 */
export class PgStore implements StoreApi {
  readonly dialect = "postgres";
  readonly retention: RetentionConfig;
  readonly nodes: NodesRepository;
  readonly telemetry: PgTelemetry;
  readonly keyframes: KeyframesRepository;
  readonly maintenance: PgMaintenance;
  readonly sql: SqlDb;
  private readonly rollups: PgRollups;
  /** `afterCommit` callbacks of the open transaction (transactions run one at a time). */
  private readonly ending: ((committed: boolean, error?: Error) => void)[] = [];

  private constructor(
    private readonly db: PgDb,
    readonly clock: Clock,
    opts: PgStoreOptions,
  ) {
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.sql = db;
    this.nodes = new NodesRepository(db);
    this.telemetry = new PgTelemetry(db);
    this.keyframes = new KeyframesRepository(db);
    this.rollups = new PgRollups(db);
    this.maintenance = new PgMaintenance(db, this.telemetry, this.rollups, {
      retention: this.retention,
      graceMs: opts.rollupGraceMs ?? 120_000,
      nodesPerChunk: 200,
      rowsPerChunk: 5000,
    });
  }

  /** Connects, migrates (creating the tables on an empty database) and returns the store. */
  static async open(opts: PgStoreOptions): Promise<PgStore> {
    try {
      return new PgStore(await PgDb.open(opts.url, opts.poolSize ?? 8), opts.clock, opts);
    } catch (err) {
      throw new StoreError(`cannot open the store at ${redactUrl(opts.url)}: ${(err as Error).message}`, err);
    }
  }

  /** Commits each transaction (`hold` is SQLite's: a server's commit writes a few WAL records, not whole pages). */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.transaction(fn, (ok) => {
      this.telemetry.settle(ok);
      for (const cb of this.ending.splice(0)) cb(ok);
    });
  }

  afterCommit(cb: (committed: boolean, error?: Error) => void): void {
    if (this.db.inTransaction) this.ending.push(cb);
    else cb(true);
  }

  commitHeld(): Promise<void> {
    return Promise.resolve();
  }

  async history(q: HistoryQuery): Promise<HistoryResult> {
    return queryHistory(q, await this.reader());
  }

  async series(q: SeriesQuery): Promise<SeriesResult> {
    return querySeries(q, await this.reader());
  }

  private async reader(): Promise<SeriesReader> {
    return {
      raw: (node, from, to) => this.telemetry.range(node, from, to),
      newest: (node, from, to, limit) => this.telemetry.newest(node, from, to, limit),
      rollups: (level, node, from, to, prefix) => this.rollups.rangeSeries(level, node, from, to, prefix),
      watermarks: await this.maintenance.watermarks(),
    };
  }

  checkWritable(): Promise<{ ok: true } | { ok: false; error: string }> {
    return checkWritable(this.db, this.clock.now());
  }

  /** The database's size on disk (every table and index of it). */
  async sizeBytes(): Promise<number> {
    const [r] = await this.db.query<{ n: number }>("SELECT pg_database_size(current_database())::bigint AS n");
    return r?.n ?? 0;
  }

  rowCounts(): Promise<Record<string, number>> {
    return countRows(this.db, CORE_TABLES);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** The URL without its password (for messages and logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}
