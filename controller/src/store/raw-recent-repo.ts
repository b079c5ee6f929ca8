import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Database, Statement } from "better-sqlite3";
import { PACK_FORMAT, type PackedSnapshot } from "./pack";
import { applyDiff, BLOCK_MS, diffValue } from "./raw-block";
import { bucketOf } from "./rollup-fold";
import type { RawDbRow, RawRow } from "./telemetry-repo";

/** `fmt` flags of a recent row: `data` is deflated JSON; `data` is a delta against the row `base_id`. */
export const DEFLATED = 0x100;
export const DELTA = 0x200;

/** A recent row as stored: a full raw row's columns, plus the row a delta is taken against. */
export type RecentDbRow = RawDbRow & { baseId: number | null };

/** The row a node's next rows are written against: a full row of the window `start`. */
interface Base {
  id: number;
  node: string;
  boot: string;
  seq: number;
  ts: number;
  start: number;
  data: PackedSnapshot;
}

const COLS = "id, node_id AS nodeId, boot, seq, ts, received_at AS receivedAt, base_id AS baseId, fmt, data";

/** The JSON a row's `data` holds (deflated or, in rows written before compression, text). */
function jsonOf(r: RecentDbRow): unknown {
  if ((r.fmt & ~(DEFLATED | DELTA)) !== PACK_FORMAT) throw new Error(`raw row ${r.id} has unknown pack format ${r.fmt}`);
  return JSON.parse(r.fmt & DEFLATED ? inflateRawSync(r.data).toString("utf8") : r.data.toString()) as unknown;
}

/**
 * Recent raw rows in SQLite (`raw_recent`, see its schema). Rows of one node and window
 * are deltas (`diffValue`, as in the blocks) against the window's first full row, so a
 * bench-profile snapshot costs ~180 bytes instead of ~790, and a commit of a home mesh's
 * rows touches the table's and the index's last pages. A row is never left pointing at a
 * base that is deleted: before maintenance deletes rows, a kept row whose base goes is
 * rewritten as a full row (`materialize`). The bases new rows are written against are
 * remembered per node (staged until the transaction commits); a node without one (after a
 * restart, in a new window) gets a full row.
 */
export class RawRecentRepository {
  private readonly s: Record<"insert" | "exists" | "isBase" | "byId" | "at" | "range" | "newest" | "packable" | "remove" | "order" | "dependents" | "rewrite" | "kept" | "current" | "prune", Statement>;
  private readonly bases = new Map<string, Base>();
  private readonly pending = new Map<string, Base>();

  /** `deltas` false writes every row full (as before deltas): the differential tests' reference. */
  constructor(
    db: Database,
    private readonly deltas = true,
  ) {
    this.s = {
      insert: db.prepare("INSERT INTO raw_recent (node_id, boot, seq, ts, received_at, base_id, fmt, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      exists: db.prepare("SELECT 1 FROM raw_recent WHERE ts = ? AND node_id = ? AND boot = ? AND seq = ?").pluck(),
      // The very row remembered (an id of a deleted row may be given again).
      isBase: db.prepare("SELECT 1 FROM raw_recent WHERE id = ? AND ts = ? AND node_id = ? AND boot = ? AND seq = ? AND base_id IS NULL").pluck(),
      byId: db.prepare(`SELECT ${COLS} FROM raw_recent WHERE id = ?`),
      at: db.prepare(`SELECT ${COLS} FROM raw_recent WHERE ts <= ? AND node_id = ? ORDER BY ts DESC, id DESC LIMIT 1`),
      range: db.prepare(`SELECT ${COLS} FROM raw_recent WHERE ts >= ? AND ts < ? AND node_id = ? ORDER BY ts, id`),
      newest: db.prepare(`SELECT ${COLS} FROM raw_recent WHERE ts >= ? AND ts < ? AND node_id = ? ORDER BY ts DESC, id DESC LIMIT ?`),
      // The node's current state row stays (as retention keeps it).
      packable: db.prepare(`SELECT ${COLS} FROM raw_recent WHERE ts < ? AND node_id = ?
        AND id NOT IN (SELECT raw_id FROM node_state WHERE node_id = ?) ORDER BY ts, id`),
      remove: db.prepare("DELETE FROM raw_recent WHERE id = ?"),
      order: db.prepare("SELECT id FROM raw_recent WHERE id IN (SELECT value FROM json_each(?)) ORDER BY base_id IS NULL, id").pluck(),
      // Rows written against one of the given rows: all in the base's window.
      dependents: db.prepare("SELECT id FROM raw_recent WHERE ts >= ? AND ts < ? AND base_id IN (SELECT value FROM json_each(?))").pluck(),
      rewrite: db.prepare("UPDATE raw_recent SET base_id = NULL, fmt = ?, data = ? WHERE id = ?"),
      // Rows that stay when everything before `cutoff` but the current rows goes, and whose base goes.
      kept: db.prepare(`SELECT r.id FROM raw_recent r JOIN raw_recent b ON b.id = r.base_id
        WHERE r.ts >= ? AND r.ts < ? AND b.ts < ? AND b.id NOT IN (SELECT raw_id FROM node_state)
        UNION SELECT r.id FROM node_state s JOIN raw_recent r ON r.id = s.raw_id JOIN raw_recent b ON b.id = r.base_id
        WHERE b.ts < ? AND b.id NOT IN (SELECT raw_id FROM node_state)`).pluck(),
      current: db.prepare("SELECT raw_id FROM node_state WHERE node_id = ?").pluck(),
      prune: db.prepare(`DELETE FROM raw_recent WHERE id IN (SELECT id FROM raw_recent WHERE ts < ?
        AND id NOT IN (SELECT raw_id FROM node_state) LIMIT ?)`),
    };
  }

  /** True when `(node, boot, seq)` taken at `ts` is stored here. */
  holds(node: string, ts: number, boot: string, seq: number): boolean {
    return this.s.exists.get(ts, node, boot, seq) !== undefined;
  }

  /** Stores one packed snapshot (inside a transaction); returns its id. */
  insert(node: string, boot: string, seq: number, ts: number, receivedAt: number, data: PackedSnapshot): number {
    const start = bucketOf(ts, BLOCK_MS);
    const base = this.pending.get(node) ?? this.bases.get(node);
    if (this.deltas && base && base.start === start && this.s.isBase.get(base.id, base.ts, base.node, base.boot, base.seq) !== undefined) {
      const d = deflateRawSync(JSON.stringify(diffValue(base.data, data)));
      return Number(this.s.insert.run(node, boot, seq, ts, receivedAt, base.id, PACK_FORMAT | DEFLATED | DELTA, d).lastInsertRowid);
    }
    const id = Number(this.s.insert.run(node, boot, seq, ts, receivedAt, null, PACK_FORMAT | DEFLATED, deflateRawSync(JSON.stringify(data))).lastInsertRowid);
    if (!base || start >= base.start) this.pending.set(node, { id, node, boot, seq, ts, start, data });
    return id;
  }

  /** Called after a transaction: keep (commit) or drop the bases staged in it. */
  settle(committed: boolean): void {
    if (committed) for (const [k, v] of this.pending) this.bases.set(k, v);
    this.pending.clear();
  }

  /** Decodes rows, reading (once) the bases they need. */
  private decode(rows: readonly RecentDbRow[]): RawRow[] {
    const full = new Map<number, PackedSnapshot>();
    for (const r of rows) if (r.baseId === null) full.set(r.id, jsonOf(r) as PackedSnapshot);
    return rows.map((r) => {
      let data = full.get(r.id);
      if (!data) {
        const baseId = r.baseId!;
        let base = full.get(baseId);
        if (!base) {
          const b = this.s.byId.get(baseId) as RecentDbRow | undefined;
          if (!b || b.baseId !== null) throw new Error(`raw row ${r.id}: its base row ${baseId} is missing`);
          full.set(baseId, (base = jsonOf(b) as PackedSnapshot));
        }
        // applyDiff never returns parts of `base`, so one base serves many rows.
        data = applyDiff(base, jsonOf(r)) as PackedSnapshot;
      }
      return { id: r.id, nodeId: r.nodeId, boot: r.boot, seq: r.seq, ts: r.ts, receivedAt: r.receivedAt, data };
    });
  }

  byId(id: number): RawRow | null {
    const r = this.s.byId.get(id) as RecentDbRow | undefined;
    return r ? this.decode([r])[0]! : null;
  }

  /** The node's last row taken at or before `at`. */
  at(node: string, at: number): RawRow | null {
    const r = this.s.at.get(at, node) as RecentDbRow | undefined;
    return r ? this.decode([r])[0]! : null;
  }

  /** The node's rows with from <= ts < to, oldest first. */
  range(node: string, from: number, to: number): RawRow[] {
    return this.decode(this.s.range.all(from, to, node) as RecentDbRow[]);
  }

  /** The node's newest `limit` rows with from <= ts < to, newest first. */
  newest(node: string, from: number, to: number, limit: number): RawRow[] {
    return this.decode(this.s.newest.all(from, to, node, limit) as RecentDbRow[]);
  }

  /** The node's rows older than `before` but its current one, oldest first. */
  packable(node: string, before: number): RawRow[] {
    return this.decode(this.s.packable.all(before, node, node) as RecentDbRow[]);
  }

  /**
   * Ids of rows to delete, deltas before full rows (ascending ids within each): deleted in
   * chunks in this order, no row that stays is ever written against a row already gone.
   */
  dropOrder(ids: readonly number[]): number[] {
    return this.s.order.all(JSON.stringify(ids)) as number[];
  }

  /**
   * Deletes rows (copied into blocks) after rewriting as full rows the rows that stay and
   * were written against one of them (a node's current row, or a row that was current when
   * its window was packed).
   */
  drop(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const gone = new Set(ids);
    const windows = new Set<number>();
    const bases: number[] = [];
    for (const id of ids) {
      const r = this.s.byId.get(id) as RecentDbRow | undefined;
      if (r?.baseId === null) {
        bases.push(id);
        windows.add(bucketOf(r.ts, BLOCK_MS));
      }
    }
    for (const start of windows) {
      for (const id of this.s.dependents.all(start, start + BLOCK_MS, JSON.stringify(bases)) as number[]) if (!gone.has(id)) this.materialize(id);
    }
    for (const id of ids) this.s.remove.run(id);
    this.forgetBases((b) => gone.has(b.id));
  }

  /**
   * Deletes at most `limit` rows taken before `cutoff` but the nodes' current rows (call
   * inside a transaction); rows that stay and were written against one of them are first
   * rewritten as full rows. Returns how many were deleted.
   */
  prune(cutoff: number, limit: number): number {
    for (const id of this.s.kept.all(cutoff, bucketOf(cutoff, BLOCK_MS) + BLOCK_MS, cutoff, cutoff) as number[]) this.materialize(id);
    const n = this.s.prune.run(cutoff, limit).changes;
    if (n > 0) this.forgetBases((b) => b.ts < cutoff);
    return n;
  }

  private materialize(id: number): void {
    const [r] = this.decode([this.s.byId.get(id) as RecentDbRow]);
    this.s.rewrite.run(PACK_FORMAT | DEFLATED, deflateRawSync(JSON.stringify(r!.data)), id);
  }

  private forgetBases(gone: (b: Base) => boolean): void {
    for (const m of [this.bases, this.pending]) for (const [k, b] of m) if (gone(b)) m.delete(k);
  }
}
