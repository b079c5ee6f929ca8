import type { Database, Statement } from "better-sqlite3";
import { BLOCK_MS } from "./raw-block";
import { MINUTE_MS } from "./types";

/**
 * The tables recent raw rows live in (see `raw_recent` in the schema): a row goes into the
 * slot of its window (window number mod 3), so that a packed window's slot is emptied by one
 * `DELETE` without a `WHERE` (SQLite frees the pages of a whole table without writing them).
 */
export const RAW_RECENT_SLOTS = ["raw_recent", "raw_recent_1", "raw_recent_2"] as const;

/** The slot of the window `ts` falls in. */
export const slotOf = (ts: number): number => {
  const n = RAW_RECENT_SLOTS.length;
  return ((Math.floor(ts / BLOCK_MS) % n) + n) % n;
};

export const COLS = "id, node_id AS nodeId, boot, seq, ts, received_at AS receivedAt, base_id AS baseId, fmt, data";

/** The statements of one slot table (`t`). */
function slotStatements(db: Database, t: string) {
  return {
    insert: db.prepare(`INSERT INTO ${t} (id, node_id, boot, seq, ts, received_at, base_id, fmt, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    byId: db.prepare(`SELECT ${COLS} FROM ${t} WHERE id = ?`),
    at: db.prepare(`SELECT ${COLS} FROM ${t} WHERE ts <= ? AND node_id = ? ORDER BY ts DESC, id DESC LIMIT 1`),
    range: db.prepare(`SELECT ${COLS} FROM ${t} WHERE ts >= ? AND ts < ? AND node_id = ? ORDER BY ts, id`),
    newest: db.prepare(`SELECT ${COLS} FROM ${t} WHERE ts >= ? AND ts < ? AND node_id = ? ORDER BY ts DESC, id DESC LIMIT ?`),
    // The node's current state row stays (as retention keeps it).
    packable: db.prepare(`SELECT ${COLS} FROM ${t} WHERE ts < ? AND node_id = ?
      AND id NOT IN (SELECT raw_id FROM node_state WHERE node_id = ?) ORDER BY ts, id`),
    remove: db.prepare(`DELETE FROM ${t} WHERE id = ?`),
    kinds: db.prepare(`SELECT id, base_id IS NULL AS full FROM ${t} WHERE id IN (SELECT value FROM json_each(?))`),
    // Rows written against one of the given rows: all in the base's window.
    dependents: db.prepare(`SELECT id FROM ${t} WHERE ts >= ? AND ts < ? AND base_id IN (SELECT value FROM json_each(?))`).pluck(),
    rewrite: db.prepare(`UPDATE ${t} SET base_id = NULL, fmt = ?, data = ? WHERE id = ?`),
    prune: db.prepare(`DELETE FROM ${t} WHERE id IN (SELECT id FROM ${t} WHERE ts < ?
      AND id NOT IN (SELECT raw_id FROM node_state) LIMIT ?)`),
    ids: db.prepare(`SELECT id FROM ${t}`).pluck(),
    tsBounds: db.prepare(`SELECT min(ts) AS min, max(ts) AS max FROM ${t}`),
    clear: db.prepare(`DELETE FROM ${t}`),
    count: db.prepare(`SELECT count(*) FROM ${t}`).pluck(),
    maxId: db.prepare(`SELECT max(id) FROM ${t}`).pluck(),
    minTsAbove: db.prepare(`SELECT min(ts) FROM ${t} WHERE id > ?`).pluck(),
    minTs: db.prepare(`SELECT min(ts) FROM ${t}`).pluck(),
    nextTs: db.prepare(`SELECT min(ts) FROM ${t} WHERE ts >= ?`).pluck(),
    firstPackable: db.prepare(`SELECT min(ts) FROM ${t} WHERE ts < ? AND id NOT IN (SELECT raw_id FROM node_state)`).pluck(),
    firstPackableOf: db.prepare(`SELECT min(ts) FROM ${t} WHERE ts < ? AND node_id = ?`).pluck(),
  };
}

export type SlotStatement = keyof ReturnType<typeof slotStatements>;

/** A query over every slot in one statement (`UNION ALL`, first row only): one call per written snapshot instead of one per slot. */
function inAnySlot(db: Database, where: string): Statement {
  return db.prepare(`${RAW_RECENT_SLOTS.map((t) => `SELECT 1 FROM ${t} WHERE ${where}`).join(" UNION ALL ")} LIMIT 1`).pluck();
}

/**
 * The slot tables' statements, and the same statement run over every slot: the first row
 * found, all rows, the smallest value, the rows changed. Ids are given here (unique across
 * the slots): above every id stored, and above every id given before by this process. The
 * ids stored are read once per transaction (the write lock keeps other processes out until
 * it ends; `settle` marks the end).
 */
export class RawRecentSlots {
  readonly slot: readonly Record<SlotStatement, Statement>[];
  /** `(ts, node, boot, seq)` is stored in a slot (the ingest's duplicate filter). */
  readonly exists: Statement;
  /** `(id, ts, node, boot, seq)` is stored as a full row: the very row remembered as a base (an id of a deleted row may be given again). */
  readonly isBase: Statement;
  /**
   * `(node, n)`: how many minutes of `[@from, @to)` hold rows of each node, over every slot in
   * one statement (a moved row shares its minute with rows of another slot) and one scan of the
   * span for all nodes; the `(ts, node_id)` indexes answer it without reading a row.
   * Timestamps are positive: the division is a floor.
   */
  readonly minutes: Statement;
  /**
   * Rows that stay when everything before a cutoff but the current rows goes, and whose base
   * goes, per (row's slot, base's slot): a base is in its row's slot unless it was moved.
   */
  readonly kept: readonly Statement[];
  private lastId: number;
  private idsRead = false;

  constructor(db: Database) {
    this.slot = RAW_RECENT_SLOTS.map((t) => slotStatements(db, t));
    this.exists = inAnySlot(db, "ts = @ts AND node_id = @node AND boot = @boot AND seq = @seq");
    this.isBase = inAnySlot(db, "id = @id AND ts = @ts AND node_id = @node AND boot = @boot AND seq = @seq AND base_id IS NULL");
    this.minutes = db
      .prepare(`SELECT node_id AS node, count(DISTINCT ts / ${MINUTE_MS}) AS n FROM (${RAW_RECENT_SLOTS.map((t) => `SELECT node_id, ts FROM ${t} WHERE ts >= @from AND ts < @to`).join(" UNION ALL ")}) GROUP BY node_id`)
      .raw();
    this.kept = RAW_RECENT_SLOTS.flatMap((r) =>
      RAW_RECENT_SLOTS.map((b) =>
        db
          .prepare(
            `SELECT r.id FROM ${r} r JOIN ${b} b ON b.id = r.base_id
             WHERE r.ts >= ? AND r.ts < ? AND b.ts < ? AND b.id NOT IN (SELECT raw_id FROM node_state)
             UNION SELECT r.id FROM node_state s JOIN ${r} r ON r.id = s.raw_id JOIN ${b} b ON b.id = r.base_id
             WHERE b.ts < ? AND b.id NOT IN (SELECT raw_id FROM node_state)`,
          )
          .pluck(),
      ),
    );
    this.lastId = (db.prepare("SELECT max(max_id) FROM raw_blocks").pluck().get() as number | null) ?? 0;
  }

  /** A new row's id (call inside a transaction). */
  nextId(): number {
    if (!this.idsRead) this.lastId = Math.max(this.lastId, this.max("maxId"));
    this.idsRead = true;
    return ++this.lastId;
  }

  /** A transaction ended: the next one reads the ids stored again (another process may have written since). */
  settle(): void {
    this.idsRead = false;
  }

  first<T>(name: SlotStatement, ...args: unknown[]): T | undefined {
    for (const s of this.slot) {
      const r = s[name].get(...args) as T | undefined;
      if (r !== undefined) return r;
    }
    return undefined;
  }

  all<T>(name: SlotStatement, ...args: unknown[]): T[] {
    return this.slot.flatMap((s) => s[name].all(...args) as T[]);
  }

  /** The smallest non-null value a plucked statement gives over the slots, or null. */
  min(name: SlotStatement, ...args: unknown[]): number | null {
    const v = this.slot.map((s) => s[name].get(...args) as number | null).filter((x): x is number => x !== null);
    return v.length === 0 ? null : Math.min(...v);
  }

  max(name: SlotStatement, ...args: unknown[]): number {
    return Math.max(0, ...this.slot.map((s) => (s[name].get(...args) as number | null) ?? 0));
  }

  run(name: SlotStatement, ...args: unknown[]): number {
    return this.slot.reduce((n, s) => n + s[name].run(...args).changes, 0);
  }
}
