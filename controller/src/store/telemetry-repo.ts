import { inflateRawSync } from "node:zlib";
import type { Database, Statement } from "better-sqlite3";
import type { Snapshot } from "@meshfleet/shared";
import { counterBaseOf, countsOf, pack, PACK_FORMAT, type CounterBase, type PackedCounts, type PackedSnapshot } from "./pack";
import { BLOCK_MS } from "./raw-block";
import { byTimeThenId, RawBlocksRepository } from "./raw-blocks-repo";
import { DEFLATED, RawRecentRepository } from "./raw-recent-repo";
import { bucketOf } from "./rollup-fold";

export interface NodeStateRow extends PackedCounts {
  nodeId: string;
  ts: number;
  receivedAt: number;
  boot: string;
  seq: number;
  intervalMs: number;
  rawId: number;
  droppedTotal: number;
}

export interface RawRow {
  id: number;
  nodeId: string;
  boot: string;
  seq: number;
  ts: number;
  receivedAt: number;
  data: PackedSnapshot;
}

/**
 * A full raw row as stored: `fmt` is the pack layout (`PACK_FORMAT`), plus `DEFLATED` when
 * `data` is its JSON deflated (rows written before compression are JSON text).
 */
export type RawDbRow = Omit<RawRow, "data"> & { fmt: number; data: string | Buffer };
/**
 * When a stored snapshot replaces the node's current state: within one boot the higher
 * seq wins (a router clock corrected by NTP does not matter), across boots the later ts.
 * A late or redelivered older snapshot is stored as history but never becomes current.
 */
const NEWER = "((excluded.boot = node_state.boot AND excluded.seq > node_state.seq) OR (excluded.boot <> node_state.boot AND excluded.ts >= node_state.ts))";
const STATE_SELECT = `SELECT node_id AS nodeId, ts, received_at AS receivedAt, boot, seq, interval_ms AS intervalMs, raw_id AS rawId,
  stations, peers, mesh_paths AS meshPaths, neighbors, routes, counters, errors, dropped_total AS droppedTotal FROM node_state`;

export function decodeRaw(r: RawDbRow): RawRow {
  if ((r.fmt & ~DEFLATED) !== PACK_FORMAT) throw new Error(`raw row ${r.id} has unknown pack format ${r.fmt}`);
  const json = r.fmt & DEFLATED ? inflateRawSync(r.data).toString("utf8") : r.data.toString();
  return { id: r.id, nodeId: r.nodeId, boot: r.boot, seq: r.seq, ts: r.ts, receivedAt: r.receivedAt, data: JSON.parse(json) as PackedSnapshot };
}

/**
 * Merges two streams of rows, each oldest first, into one; a row in both (packed into a
 * block, its recent copy not deleted yet) once.
 */
function* mergeByTime(a: Iterator<RawRow>, b: Iterator<RawRow>): Generator<RawRow> {
  let x = a.next();
  let y = b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && byTimeThenId(x.value, y.value) <= 0)) {
      if (!y.done && x.value.id === y.value.id) y = b.next();
      yield x.value as RawRow;
      x = a.next();
    } else {
      yield y.value;
      y = b.next();
    }
  }
}

/** The later of two rows (ts, then storage order). */
const later = (a: RawRow | null, b: RawRow | null): RawRow | null => (a && b ? (byTimeThenId(a, b) >= 0 ? a : b) : (a ?? b));

/**
 * Raw telemetry and the current state per node. Recent snapshots are one packed row each
 * (`raw_recent`, most of them deltas: raw-recent-repo.ts); maintenance moves closed windows
 * into compressed blocks (`raw_blocks`, `packWindows`). Every read below merges both, so
 * callers never see the difference. Counter bases (the previous cumulative values, to
 * compute rates) are cached per node; the cache is rebuilt from the latest stored row on a
 * miss and only updated after commit.
 */
export class TelemetryRepository {
  private readonly s: Record<"state" | "stateOf" | "states", Statement>;
  private readonly blocks: RawBlocksRepository;
  private readonly recent: RawRecentRepository;
  private readonly bases = new Map<string, CounterBase>();
  private readonly pending = new Map<string, CounterBase>();

  /** `deltas` false stores every recent row whole (the reference of the differential tests). */
  constructor(db: Database, opts: { deltas?: boolean } = {}) {
    this.blocks = new RawBlocksRepository(db);
    this.recent = new RawRecentRepository(db, opts.deltas ?? true);
    this.s = {
      state: db.prepare(`INSERT INTO node_state (node_id, ts, received_at, boot, seq, interval_ms, raw_id, stations, peers, mesh_paths,
          neighbors, routes, counters, errors, dropped_total)
        VALUES (@nodeId, @ts, @receivedAt, @boot, @seq, @intervalMs, @rawId, @stations, @peers, @meshPaths, @neighbors, @routes,
          @counters, @errors, @dropped)
        ON CONFLICT (node_id) DO UPDATE SET dropped_total = dropped_total + excluded.dropped_total,
          ts = CASE WHEN ${NEWER} THEN excluded.ts ELSE ts END,
          received_at = CASE WHEN ${NEWER} THEN excluded.received_at ELSE received_at END,
          boot = CASE WHEN ${NEWER} THEN excluded.boot ELSE boot END,
          seq = CASE WHEN ${NEWER} THEN excluded.seq ELSE seq END,
          interval_ms = CASE WHEN ${NEWER} THEN excluded.interval_ms ELSE interval_ms END,
          raw_id = CASE WHEN ${NEWER} THEN excluded.raw_id ELSE raw_id END,
          stations = CASE WHEN ${NEWER} THEN excluded.stations ELSE stations END,
          peers = CASE WHEN ${NEWER} THEN excluded.peers ELSE peers END,
          mesh_paths = CASE WHEN ${NEWER} THEN excluded.mesh_paths ELSE mesh_paths END,
          neighbors = CASE WHEN ${NEWER} THEN excluded.neighbors ELSE neighbors END,
          routes = CASE WHEN ${NEWER} THEN excluded.routes ELSE routes END,
          counters = CASE WHEN ${NEWER} THEN excluded.counters ELSE counters END,
          errors = CASE WHEN ${NEWER} THEN excluded.errors ELSE errors END`),
      stateOf: db.prepare(`${STATE_SELECT} WHERE node_id = ?`),
      states: db.prepare(STATE_SELECT),
    };
  }

  private baseOf(node: string): CounterBase | null {
    const staged = this.pending.get(node) ?? this.bases.get(node);
    if (staged) return staged;
    const st = this.stateOf(node);
    if (!st) return null;
    const raw = this.rawById(st.rawId);
    if (!raw) return null;
    const b = counterBaseOf(raw.ts, raw.data);
    this.bases.set(node, b);
    return b;
  }

  /**
   * Stores one snapshot (call inside a transaction). Returns false when `(node, boot, seq)`
   * was already stored (a duplicate), true when it was written.
   */
  write(s: Snapshot, receivedAt: number): boolean {
    if (this.recent.holds(s.node, s.ts, s.boot, s.seq) || this.blocks.holds(s.node, s.ts, s.boot, s.seq)) return false;
    const base = this.baseOf(s.node);
    const packed = pack(s, base && base.ts < s.ts ? base : null);
    const rawId = this.recent.insert(s.node, s.boot, s.seq, s.ts, receivedAt, packed);
    this.s.state.run({
      nodeId: s.node,
      ts: s.ts,
      receivedAt,
      boot: s.boot,
      seq: s.seq,
      intervalMs: s.intervalMs,
      rawId,
      dropped: s.dropped,
      ...countsOf(packed),
    });
    if (!base || s.ts > base.ts) this.pending.set(s.node, counterBaseOf(s.ts, packed));
    return true;
  }

  /** Called by the store after a transaction: keep (commit) or drop the staged counter bases. */
  settle(committed: boolean): void {
    if (committed) for (const [k, v] of this.pending) this.bases.set(k, v);
    this.pending.clear();
    this.recent.settle(committed);
  }

  stateOf(node: string): NodeStateRow | null {
    return (this.s.stateOf.get(node) as NodeStateRow | undefined) ?? null;
  }

  states(): NodeStateRow[] {
    return this.s.states.all() as NodeStateRow[];
  }

  rawById(id: number): RawRow | null {
    return this.recent.byId(id) ?? this.blocks.byId(id);
  }

  /** The node's latest snapshot (packed), or null. */
  latest(node: string): { state: NodeStateRow; raw: RawRow | null } | null {
    const state = this.stateOf(node);
    return state ? { state, raw: this.rawById(state.rawId) } : null;
  }

  /** The node's last snapshot taken at or before `at`. */
  at(node: string, at: number): RawRow | null {
    return later(this.recent.at(node, at), this.blocks.at(node, at));
  }

  /** The node's raw rows with from <= ts < to, oldest first. */
  *range(node: string, from: number, to: number): Generator<RawRow> {
    yield* mergeByTime(this.blocks.range(node, from, to), this.recent.range(node, from, to)[Symbol.iterator]());
  }

  /** The node's newest `limit` raw rows with from <= ts < to, oldest first. */
  newest(node: string, from: number, to: number, limit: number): RawRow[] {
    const recent = this.recent.newest(node, from, to, limit);
    const packed = this.blocks.newest(node, from, to, limit);
    if (packed.length === 0) return recent.reverse();
    const ids = new Set(recent.map((r) => r.id));
    return [...recent, ...packed.filter((r) => !ids.has(r.id))].sort(byTimeThenId).slice(-limit);
  }

  /**
   * Copies the node's rows older than `before` (a window boundary; but its current row) into
   * its blocks, merging with what they hold. Returns the ids copied: their recent copies
   * are deleted afterwards (`dropPacked`), for all nodes at once, so that a page of recent
   * rows (rows of many nodes) is freed in one go instead of rewritten once per node. Until
   * then reads see each of them once.
   */
  packWindows(node: string, before: number): number[] {
    if (this.recent.firstPackable(before, node) === null) return [];
    const byWindow = new Map<number, RawRow[]>();
    for (const r of this.recent.packable(node, before)) {
      const start = bucketOf(r.ts, BLOCK_MS);
      let rows = byWindow.get(start);
      if (!rows) byWindow.set(start, (rows = []));
      rows.push(r);
    }
    const ids: number[] = [];
    for (const [start, rows] of byWindow) ids.push(...this.blocks.add(node, start, rows));
    return ids;
  }

  /** The recent rows' store (slots, counts, first timestamps: maintenance). */
  get recentRows(): RawRecentRepository {
    return this.recent;
  }

  /** Deletes the recent copies of packed rows (ids from `packWindows`; call inside a transaction). */
  dropPacked(ids: readonly number[]): void {
    this.recent.drop(ids);
  }

  /** Packed ids in the order to delete them: rows written against others first (`RawRecentRepository.dropOrder`). */
  dropOrder(ids: readonly number[]): number[] {
    return this.recent.dropOrder(ids);
  }

  /** Deletes at most `limit` recent rows taken before `cutoff` but the nodes' current ones; returns how many. */
  pruneRecent(cutoff: number, limit: number): number {
    return this.recent.prune(cutoff, limit);
  }

  /** Drops at most `limit` blocks whose window ended before `cutoff`; returns how many. */
  pruneBlocks(cutoff: number, limit: number): number {
    return this.blocks.prune(cutoff, limit);
  }
}
