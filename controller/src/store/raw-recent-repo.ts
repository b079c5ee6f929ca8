import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Database } from "better-sqlite3";
import { PACK_FORMAT, type PackedSnapshot } from "./pack";
import { applyDiff, BLOCK_MS, diffValue } from "./raw-block";
import { bucketOf } from "./rollup-fold";
import type { RawDbRow, RawRow } from "./telemetry-repo";
import { RawRecentSlots, slotOf } from "./raw-recent-slots";

/**
 * `fmt` flags of a recent row: `data` is deflated JSON; `data` is a delta against the row
 * `base_id`; the delta is deflated with its base's `dictionaryOf` as preset dictionary
 * (deltas written before it have no such flag and are read as well).
 */
export const DEFLATED = 0x100;
export const DELTA = 0x200;
export const DICT = 0x400;

/**
 * The preset dictionary a delta against `base` is deflated with: the base's delta against
 * itself, i.e. the delta's own layout with every value unchanged. Deflate then codes most
 * of a delta as one reference into it: a bench-profile delta ~137 bytes instead of ~212.
 * Derived from the base, which a reader of the delta reads anyway, so it costs no storage.
 */
export const dictionaryOf = (base: PackedSnapshot): Buffer => Buffer.from(JSON.stringify(diffValue(base, base)));

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
  /** `dictionaryOf(data)`, made when the first delta against this base is written. */
  dict?: Buffer;
}

/** Oldest first (ts, then storage order). */
const byTsId = (a: { ts: number; id: number }, b: { ts: number; id: number }): number => a.ts - b.ts || a.id - b.id;

/** The JSON a row's `data` holds (deflated or, in rows written before compression, text); `dict()` gives a `DICT` row's dictionary. */
function jsonOf(r: RecentDbRow, dict?: () => Buffer): unknown {
  if ((r.fmt & ~(DEFLATED | DELTA | DICT)) !== PACK_FORMAT) throw new Error(`raw row ${r.id} has unknown pack format ${r.fmt}`);
  if (r.fmt & DICT && !dict) throw new Error(`raw row ${r.id} needs its base's dictionary`);
  return JSON.parse(r.fmt & DEFLATED ? inflateRawSync(r.data, r.fmt & DICT ? { dictionary: dict!() } : {}).toString("utf8") : r.data.toString()) as unknown;
}

/**
 * Recent raw rows in SQLite (`raw_recent` and its slots, see the schema and
 * raw-recent-slots.ts; every read merges the slots). Rows of one node and window
 * are deltas (`diffValue`, as in the blocks) against the window's first full row, so a
 * bench-profile snapshot costs ~180 bytes instead of ~790, and a commit of a home mesh's
 * rows touches the table's and the index's last pages. A row is never left pointing at a
 * base that is deleted: before maintenance deletes rows, a kept row whose base goes is
 * rewritten as a full row (`materialize`). The bases new rows are written against are
 * remembered per node (staged until the transaction commits); a node without one (after a
 * restart, in a new window) gets a full row. A packed window's slot is emptied whole
 * (`clearSlot`) rather than row by row.
 */
export class RawRecentRepository {
  private readonly slots: RawRecentSlots;
  private readonly bases = new Map<string, Base>();
  private readonly pending = new Map<string, Base>();

  /** `deltas` false writes every row full (as before deltas): the differential tests' reference. */
  constructor(
    db: Database,
    private readonly deltas = true,
  ) {
    this.slots = new RawRecentSlots(db);
  }

  /** True when `(node, boot, seq)` taken at `ts` is stored here. */
  holds(node: string, ts: number, boot: string, seq: number): boolean {
    return this.slots.exists.get({ ts, node, boot, seq }) !== undefined;
  }

  /** Stores one packed snapshot (inside a transaction); returns its id. */
  insert(node: string, boot: string, seq: number, ts: number, receivedAt: number, data: PackedSnapshot): number {
    const start = bucketOf(ts, BLOCK_MS);
    const base = this.pending.get(node) ?? this.bases.get(node);
    const insert = this.slots.slot[slotOf(ts)]!.insert;
    const id = this.slots.nextId();
    if (this.deltas && base && base.start === start && this.slots.isBase.get({ id: base.id, ts: base.ts, node: base.node, boot: base.boot, seq: base.seq }) !== undefined) {
      base.dict ??= dictionaryOf(base.data);
      insert.run(id, node, boot, seq, ts, receivedAt, base.id, PACK_FORMAT | DEFLATED | DELTA | DICT, deflateRawSync(JSON.stringify(diffValue(base.data, data)), { dictionary: base.dict }));
      return id;
    }
    insert.run(id, node, boot, seq, ts, receivedAt, null, PACK_FORMAT | DEFLATED, deflateRawSync(JSON.stringify(data)));
    if (!base || start >= base.start) this.pending.set(node, { id, node, boot, seq, ts, start, data });
    return id;
  }

  /** Called after a transaction: keep (commit) or drop the bases staged in it. */
  settle(committed: boolean): void {
    if (committed) for (const [k, v] of this.pending) this.bases.set(k, v);
    this.pending.clear();
    this.slots.settle();
  }

  /** Decodes rows, reading (once) the bases they need. */
  private decode(rows: readonly RecentDbRow[]): RawRow[] {
    const full = new Map<number, PackedSnapshot>();
    const dicts = new Map<number, Buffer>();
    for (const r of rows) if (r.baseId === null) full.set(r.id, jsonOf(r) as PackedSnapshot);
    return rows.map((r) => {
      let data = full.get(r.id);
      if (!data) {
        const baseId = r.baseId!;
        let base = full.get(baseId);
        if (!base) {
          const b = this.slots.first<RecentDbRow>("byId", baseId);
          if (!b || b.baseId !== null) throw new Error(`raw row ${r.id}: its base row ${baseId} is missing`);
          full.set(baseId, (base = jsonOf(b) as PackedSnapshot));
        }
        const b = base;
        const dict = () => {
          let d = dicts.get(baseId);
          if (!d) dicts.set(baseId, (d = dictionaryOf(b)));
          return d;
        };
        // applyDiff never returns parts of `base`, so one base serves many rows.
        data = applyDiff(base, jsonOf(r, dict)) as PackedSnapshot;
      }
      return { id: r.id, nodeId: r.nodeId, boot: r.boot, seq: r.seq, ts: r.ts, receivedAt: r.receivedAt, data };
    });
  }

  byId(id: number): RawRow | null {
    const r = this.slots.first<RecentDbRow>("byId", id);
    return r ? this.decode([r])[0]! : null;
  }

  /** The node's last row taken at or before `at`. */
  at(node: string, at: number): RawRow | null {
    const r = this.slots.all<RecentDbRow>("at", at, node).sort(byTsId).pop();
    return r ? this.decode([r])[0]! : null;
  }

  /** The node's rows with from <= ts < to, oldest first. */
  range(node: string, from: number, to: number): RawRow[] {
    return this.decode(this.slots.all<RecentDbRow>("range", from, to, node).sort(byTsId));
  }

  /** The node's newest `limit` rows with from <= ts < to, newest first. */
  newest(node: string, from: number, to: number, limit: number): RawRow[] {
    return this.decode(this.slots.all<RecentDbRow>("newest", from, to, node, limit).sort(byTsId).reverse().slice(0, limit));
  }

  /** The node's rows older than `before` but its current one, oldest first. */
  packable(node: string, before: number): RawRow[] {
    return this.decode(this.slots.all<RecentDbRow>("packable", before, node, node).sort(byTsId));
  }

  /**
   * Ids of rows to delete, deltas before full rows (ascending ids within each): deleted in
   * chunks in this order, no row that stays is ever written against a row already gone.
   */
  dropOrder(ids: readonly number[]): number[] {
    const rows = this.slots.all<{ id: number; full: number }>("kinds", JSON.stringify(ids));
    return rows.sort((a, b) => a.full - b.full || a.id - b.id).map((r) => r.id);
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
      const r = this.slots.first<RecentDbRow>("byId", id);
      if (r?.baseId === null) {
        bases.push(id);
        windows.add(bucketOf(r.ts, BLOCK_MS));
      }
    }
    for (const start of windows) {
      for (const id of this.slots.all<number>("dependents", start, start + BLOCK_MS, JSON.stringify(bases))) if (!gone.has(id)) this.materialize(id);
    }
    for (const id of ids) this.slots.run("remove", id);
    this.forgetBases((b) => gone.has(b.id));
  }

  /**
   * Deletes at most `limit` rows taken before `cutoff` but the nodes' current rows (call
   * inside a transaction); rows that stay and were written against one of them are first
   * rewritten as full rows. Returns how many were deleted.
   */
  prune(cutoff: number, limit: number): number {
    const kept = new Set(this.slots.kept.flatMap((s) => s.all(cutoff, bucketOf(cutoff, BLOCK_MS) + BLOCK_MS, cutoff, cutoff) as number[]));
    for (const id of kept) this.materialize(id);
    let n = 0;
    for (const s of this.slots.slot) if (n < limit) n += s.prune.run(cutoff, limit - n).changes;
    if (n > 0) this.forgetBases((b) => b.ts < cutoff);
    return n;
  }

  /**
   * Empties a slot (call inside a transaction) when the packed rows in it (ids copied into
   * blocks) are most of it: the rows that stay move whole, with their ids, into the next
   * slot, rows in other slots written against a row that goes are rewritten whole, then one
   * `DELETE` frees the slot's pages without writing them. Returns the ids deleted (none when
   * the slot was left for `drop`).
   */
  clearSlot(slot: number, packed: ReadonlySet<number>): number[] {
    const s = this.slots.slot[slot]!;
    const ids = s.ids.all() as number[];
    const gone = ids.filter((id) => packed.has(id));
    const stay = ids.filter((id) => !packed.has(id));
    if (gone.length === 0 || stay.length * 4 > gone.length) return [];
    const { min, max } = s.tsBounds.get() as { min: number; max: number };
    const others = this.slots.slot.filter((x) => x !== s);
    const list = JSON.stringify(gone);
    for (const o of others) for (const id of o.dependents.all(bucketOf(min, BLOCK_MS), bucketOf(max, BLOCK_MS) + BLOCK_MS, list) as number[]) this.materialize(id);
    const moving = this.decode(stay.map((id) => s.byId.get(id) as RecentDbRow));
    const next = this.slots.slot[(slot + 1) % this.slots.slot.length]!;
    s.clear.run();
    for (const r of moving) next.insert.run(r.id, r.nodeId, r.boot, r.seq, r.ts, r.receivedAt, null, PACK_FORMAT | DEFLATED, deflateRawSync(JSON.stringify(r.data)));
    const set = new Set(gone);
    this.forgetBases((b) => set.has(b.id));
    return gone;
  }

  /** The slot count (`clearSlot` takes 0 to count - 1). */
  get slotCount(): number {
    return this.slots.slot.length;
  }

  /** Rows stored. */
  count(): number {
    return this.slots.slot.reduce((n, s) => n + (s.count.get() as number), 0);
  }

  /** How many minutes of [from, to) hold each node's rows (read from the index in one scan, no row decoded); nodes without any are left out. */
  minutes(from: number, to: number): Map<string, number> {
    return new Map(this.slots.minutes.all({ from, to }) as [string, number][]);
  }

  /** The highest id stored (0: none). */
  maxId(): number {
    return this.slots.max("maxId");
  }

  /** The smallest ts of the rows stored after the row `id` (ids grow with each write), or null. */
  minTsAbove(id: number): number | null {
    return this.slots.min("minTsAbove", id);
  }

  /** The smallest ts stored (with `from`: at or after it), or null. */
  minTs(from?: number): number | null {
    return from === undefined ? this.slots.min("minTs") : this.slots.min("nextTs", from);
  }

  /** The smallest ts before `before` of a row that can be packed (with `node`: of that node; all: but the current rows), or null. */
  firstPackable(before: number, node?: string): number | null {
    return node === undefined ? this.slots.min("firstPackable", before) : this.slots.min("firstPackableOf", before, node);
  }

  private materialize(id: number): void {
    const [r] = this.decode([this.slots.first<RecentDbRow>("byId", id)!]);
    this.slots.run("rewrite", PACK_FORMAT | DEFLATED, deflateRawSync(JSON.stringify(r!.data)), id);
  }

  private forgetBases(gone: (b: Base) => boolean): void {
    for (const m of [this.bases, this.pending]) for (const [k, b] of m) if (gone(b)) m.delete(k);
  }
}
