import type { Database, Statement } from "better-sqlite3";
import { bucketOf } from "./rollup-fold";
import { BLOCK_FORMAT, BLOCK_MS, decodeBlock, encodeBlock, type BlockRow } from "./raw-block";
import type { RawRow } from "./telemetry-repo";

interface BlockDbRow {
  nodeId: string;
  start: number;
  fmt: number;
  data: Buffer;
}

const COLS = "node_id AS nodeId, start, fmt, data";

/** Oldest first; rows with the same ts in storage (id) order. */
export const byTimeThenId = (a: RawRow, b: RawRow): number => a.ts - b.ts || a.id - b.id;

function rowsOf(b: BlockDbRow): RawRow[] {
  if (b.fmt !== BLOCK_FORMAT) throw new Error(`raw block ${b.nodeId}@${b.start} has unknown format ${b.fmt}`);
  return decodeBlock(b.data).map((r) => ({ id: r.id, nodeId: b.nodeId, boot: r.boot, seq: r.seq, ts: r.ts, receivedAt: r.receivedAt, data: r.data }));
}

/**
 * Packed raw telemetry (`raw_blocks`): one compressed block per node and closed window.
 * Read-side twin of the recent rows in `raw_snapshots`; the telemetry repository merges both.
 */
export class RawBlocksRepository {
  private readonly s: Record<"get" | "put" | "range" | "before" | "byId" | "prune", Statement>;

  constructor(db: Database) {
    this.s = {
      get: db.prepare(`SELECT ${COLS} FROM raw_blocks WHERE node_id = ? AND start = ?`),
      put: db.prepare("INSERT OR REPLACE INTO raw_blocks (node_id, start, fmt, rows, min_id, max_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      range: db.prepare(`SELECT ${COLS} FROM raw_blocks WHERE node_id = ? AND start > ? AND start < ? ORDER BY start`),
      before: db.prepare(`SELECT ${COLS} FROM raw_blocks WHERE node_id = ? AND start <= ? ORDER BY start DESC`),
      // Rare (a packed row is never a node's current state): no index, a scan of the blocks.
      byId: db.prepare(`SELECT ${COLS} FROM raw_blocks WHERE min_id <= ? AND max_id >= ?`),
      prune: db.prepare("DELETE FROM raw_blocks WHERE rowid IN (SELECT rowid FROM raw_blocks WHERE start <= ? LIMIT ?)"),
    };
  }

  /** The rows of the node's block for the window holding `ts` (empty when there is none). */
  windowOf(node: string, ts: number): RawRow[] {
    const b = this.s.get.get(node, bucketOf(ts, BLOCK_MS)) as BlockDbRow | undefined;
    return b ? rowsOf(b) : [];
  }

  /** True when a block already holds `(node, boot, seq)` (the ingest's duplicate filter for packed windows). */
  holds(node: string, ts: number, boot: string, seq: number): boolean {
    return this.windowOf(node, ts).some((r) => r.boot === boot && r.seq === seq);
  }

  /**
   * Adds rows of one window to the node's block (merging with what it holds; rows it holds
   * already, from a pass that stopped before their recent copies were deleted, are not added
   * twice). Returns the ids of the given rows, all held by the block now.
   */
  add(node: string, start: number, rows: readonly RawRow[]): number[] {
    const held = this.windowOf(node, start);
    const ids = new Set(held.map((r) => r.id));
    const fresh = rows.filter((r) => !ids.has(r.id));
    if (fresh.length > 0) {
      const all = [...held, ...fresh].sort(byTimeThenId);
      const block: BlockRow[] = all.map((r) => ({ id: r.id, boot: r.boot, seq: r.seq, ts: r.ts, receivedAt: r.receivedAt, data: r.data }));
      const allIds = all.map((r) => r.id);
      this.s.put.run(node, start, BLOCK_FORMAT, all.length, Math.min(...allIds), Math.max(...allIds), encodeBlock(block));
    }
    return rows.map((r) => r.id);
  }

  /** The node's packed rows with from <= ts < to, oldest first. */
  *range(node: string, from: number, to: number): Generator<RawRow> {
    for (const b of this.s.range.all(node, from - BLOCK_MS, to) as BlockDbRow[]) {
      for (const r of rowsOf(b)) if (r.ts >= from && r.ts < to) yield r;
    }
  }

  /** The node's last packed row with ts <= at. */
  at(node: string, at: number): RawRow | null {
    for (const b of this.s.before.iterate(node, at) as IterableIterator<BlockDbRow>) {
      const rows = rowsOf(b).filter((r) => r.ts <= at);
      if (rows.length > 0) return rows[rows.length - 1]!;
    }
    return null;
  }

  /** At least the node's newest `limit` packed rows with from <= ts < to (or all of them), newest first. */
  newest(node: string, from: number, to: number, limit: number): RawRow[] {
    const out: RawRow[] = [];
    for (const b of this.s.before.iterate(node, to - 1) as IterableIterator<BlockDbRow>) {
      if (b.start + BLOCK_MS <= from || out.length >= limit) break;
      out.push(...rowsOf(b).filter((r) => r.ts >= from && r.ts < to).reverse());
    }
    return out;
  }

  byId(id: number): RawRow | null {
    for (const b of this.s.byId.all(id, id) as BlockDbRow[]) {
      const r = rowsOf(b).find((x) => x.id === id);
      if (r) return r;
    }
    return null;
  }

  /** Drops at most `limit` blocks whose whole window is older than `cutoff`; returns how many. */
  prune(cutoff: number, limit: number): number {
    return this.s.prune.run(cutoff - BLOCK_MS, limit).changes;
  }
}
