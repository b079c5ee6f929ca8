import type { Hello, Snapshot } from "@meshfleet/shared";
import type { Clock, RetentionConfig } from "./types";
import type { NodeRow } from "./nodes-repo";
import type { NodeStateRow, RawRow } from "./telemetry-repo";
import type { StoredKeyframe } from "./keyframes-repo";
import type { MaintenanceReport } from "./maintenance";
import type { HistoryQuery, HistoryResult } from "./history";
import type { SeriesQuery, SeriesResult, Watermarks } from "./series";
import type { SqlDb } from "./sql/sql-db";

/**
 * The store as the rest of the controller sees it, whatever the database: SQLite (the
 * embedded default, `store.ts`) or PostgreSQL (`pg/pg-store.ts`). Every method returns a
 * promise; writes that belong together run inside `transaction(fn)`. The contract suite
 * (`store-contract.test.ts`) runs the same tests against both.
 */
export interface StoreApi {
  readonly dialect: "sqlite" | "postgres";
  readonly clock: Clock;
  readonly retention: RetentionConfig;
  readonly nodes: NodesStore;
  readonly telemetry: TelemetryStore;
  readonly keyframes: KeyframesStore;
  readonly maintenance: MaintenanceStore;
  /**
   * The dialect-neutral handle the feature repositories (detection, alerts, jobs, tokens,
   * diagnostics audit) are written against, once for both databases (`sql/sql-db.ts`).
   */
  readonly sql: SqlDb;
  /**
   * Runs `fn` in one transaction (a call from inside joins it); commits when it resolves,
   * rolls back when it rejects. Transactions of one store run one after another. `hold`:
   * the store may leave it open for the next ones to join (SQLite: `Store.transaction`;
   * PostgreSQL commits it); `afterCommit` says when it is durable.
   */
  transaction<T>(fn: () => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Inside a transaction: `cb(true)` once what it wrote is committed, `cb(false, error)` if it is rolled back (`error`: a failed COMMIT's); outside: `cb(true)` now. */
  afterCommit(cb: (committed: boolean, error?: Error) => void): void;
  /** Commits a transaction left open by `hold`, if any. */
  commitHeld(): Promise<void>;
  history(q: HistoryQuery): Promise<HistoryResult>;
  /** Every series of one metric of one node on one time axis (charts). */
  series(q: SeriesQuery): Promise<SeriesResult>;
  /** True when a write commits now (health check). */
  checkWritable(): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Bytes the store's data takes on disk. */
  sizeBytes(): Promise<number>;
  /** Row counts per core table (tests, metrics, benchmarks). */
  rowCounts(): Promise<Record<string, number>>;
  close(): void | Promise<void>;
}

export interface TransactionOptions {
  /** Leave the transaction open for the next ones to join, committed with them (only the SQLite store does). */
  hold?: boolean;
}

/** Nodes, their MACs and link-local addresses (from hellos). */
export interface NodesStore {
  /** Records a hello: identity, versions, board, MACs and link-local addresses (inside a transaction). */
  applyHello(h: Hello, now: number): Promise<void>;
  /** Marks a node as heard from (creates it on its first snapshot). */
  touch(id: string, now: number, intervalMs: number | null): Promise<void>;
  /** `touch` for several nodes (distinct ids), in one statement where the database is a server. */
  touchMany(nodes: readonly { id: string; intervalMs: number | null }[], now: number): Promise<void>;
  get(id: string): Promise<NodeRow | null>;
  list(): Promise<NodeRow[]>;
  resolveMac(mac: string): Promise<string | null>;
  resolveAddress(address: string): Promise<string | null>;
  macsOf(id: string): Promise<{ mac: string; iface: string }[]>;
  addressesOf(id: string): Promise<{ iface: string; address: string }[]>;
  addressMap(): Promise<Map<string, string>>;
  macMap(): Promise<Map<string, string>>;
}

/** Raw telemetry and the current state per node. */
export interface TelemetryStore {
  /** Stores one snapshot (inside a transaction); false when `(node, boot, seq)` was stored before. */
  write(s: Snapshot, receivedAt: number): Promise<boolean>;
  /** `write` for several snapshots in order, one result each (on PostgreSQL a few statements for all of them). */
  writeMany(list: readonly Snapshot[], receivedAt: number): Promise<boolean[]>;
  stateOf(node: string): Promise<NodeStateRow | null>;
  states(): Promise<NodeStateRow[]>;
  rawById(id: number): Promise<RawRow | null>;
  /** `rawById` for several ids (missing ones left out); on PostgreSQL one query per 500 ids. */
  rawByIds(ids: readonly number[]): Promise<RawRow[]>;
  /** The node's latest snapshot, or null. */
  latest(node: string): Promise<{ state: NodeStateRow; raw: RawRow | null } | null>;
  /** The node's last snapshot taken at or before `at`. */
  at(node: string, at: number): Promise<RawRow | null>;
  /** The node's raw rows with from <= ts < to, oldest first. */
  range(node: string, from: number, to: number): Promise<RawRow[]>;
  /** The node's newest `limit` raw rows with from <= ts < to, oldest first. */
  newest(node: string, from: number, to: number, limit: number): Promise<RawRow[]>;
}

/** The last keyframes of each node, as they came on the wire. */
export interface KeyframesStore {
  put(k: StoredKeyframe): Promise<void>;
  byStreamSeq(streamSeq: number, subject: string): Promise<StoredKeyframe | null>;
  bySnapshot(nodeId: string, boot: string, seq: number): Promise<StoredKeyframe | null>;
}

/** Rollups, retention and packing (see maintenance.ts). */
export interface MaintenanceStore {
  /** Inside the ingest transaction: a snapshot older than the rolled-up minutes asks for a redo. */
  noteSnapshotTs(ts: number): Promise<void>;
  /** One full pass: roll up what is due, then prune what retention lets go. */
  run(now: number): Promise<MaintenanceReport>;
  /** The first minute and hour buckets not rolled up yet (null before the first pass). */
  watermarks(): Promise<Watermarks>;
}

/** The core tables `rowCounts` reports. */
export const CORE_TABLES = ["nodes", "node_macs", "node_addresses", "node_state", "raw_snapshots", "raw_blocks", "rollups_minute", "rollups_quarter", "rollups_hour"] as const;
