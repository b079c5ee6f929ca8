import type { Database, Statement } from "better-sqlite3";
import { HOUR_MS, MINUTE_MS, QUARTER_MS, type RetentionConfig } from "./types";
import { addLate, bucketOf, foldRollups, foldSnapshots, type AggMap } from "./rollup-fold";
import { BLOCK_MS } from "./raw-block";
import { MINUTE_KEYS, type MinuteRollups } from "./minute-rollups";
import { LevelMarks, type LevelSpan } from "./rollup-marks";
import type { RollupsRepository } from "./rollups-repo";
import type { Watermarks } from "./series";
import type { TelemetryRepository } from "./telemetry-repo";

/** The rollup watermarks in `store_meta` (both stores). */
export const KEYS = {
  minuteNext: "rollup.minute.next",
  minuteRedo: "rollup.minute.redo",
  quarterNext: "rollup.quarter.next",
  quarterRedo: "rollup.quarter.redo",
  hourNext: "rollup.hour.next",
  hourRedo: "rollup.hour.redo",
  /**
   * Raw rows before the floor (a whole minute) were pruned but the kept ones, of ids up to `rawFloorId`:
   * a redo of a minute before it adds the rows of higher ids there (late ones) to the stored minute.
   */
  rawFloor: "raw.floor",
  rawFloorId: "raw.floor.id",
} as const;

/**
 * The levels folded from the minute rollups: their bucket, watermark and redo keys. A level's
 * first pass starts at the oldest minute row, so a database that had minutes before the level
 * existed gets it for all of them (`COARSE_SPAN_PER_PASS` at a time).
 */
export const COARSE_LEVELS = {
  quarter: { ms: QUARTER_MS, next: KEYS.quarterNext, redo: KEYS.quarterRedo },
  hour: { ms: HOUR_MS, next: KEYS.hourNext, redo: KEYS.hourRedo },
} as const;
export type CoarseLevel = keyof typeof COARSE_LEVELS;

/** What a pass folds into a coarse level: buckets from `span.start` up to `target`. */
interface CoarseSpan {
  name: CoarseLevel;
  marks: LevelMarks;
  span: LevelSpan;
  target: number;
}

/** Minutes folded into a coarse level per pass at most (a backfill is worked off over several passes). */
export const COARSE_SPAN_PER_PASS = 24 * HOUR_MS;

export interface MaintenanceOptions {
  retention: RetentionConfig;
  /** A minute is rolled up this long after it ended (late snapshots). */
  graceMs: number;
  /**
   * Minutes are rolled up (and pruned) this many at a time (ms, a multiple of a minute):
   * each pass writes a node's rollup index page and the table's last pages, so rolling up
   * 10 minutes at once writes ~1/10 of the pages of rolling each minute on its own. Reads
   * do not see the difference: history completes from raw rows past the watermark.
   */
  rollupEveryMs: number;
  /** Nodes read per query; work per rollup transaction (ms); rows per delete. Small, so ingest never waits long. */
  nodesPerChunk: number;
  sliceMs: number;
  rowsPerChunk: number;
}

export interface MaintenanceReport {
  minuteBuckets: number;
  quarterBuckets: number;
  hourBuckets: number;
  prunedRaw: number;
  /** Raw blocks (closed windows of one node) dropped by retention. */
  prunedBlocks: number;
  /** Raw rows moved into blocks. */
  packedRows: number;
  prunedMinute: number;
  prunedQuarter: number;
  prunedHour: number;
}

const pause = () => new Promise<void>((r) => setImmediate(r));

/** Windows packed per pass (a backlog after an upgrade is worked off over several passes). */
const PACK_WINDOWS_PER_PASS = 4;

/**
 * Rollups, retention and packing of closed raw windows into blocks, in small transactions with a pause between them so that the
 * ingest's batches interleave. Everything it does is recomputed from the store (the
 * watermarks live in `store_meta`), so a crash in the middle only redoes work.
 */
export class Maintenance {
  private readonly nodeIds: Statement;
  private readonly marks: { minute: LevelMarks } & Record<CoarseLevel, LevelMarks>;
  private minuteNextCache: number | null;

  constructor(
    private readonly db: Database,
    private readonly telemetry: TelemetryRepository,
    private readonly rollups: RollupsRepository,
    private readonly minutes: MinuteRollups,
    private readonly opts: MaintenanceOptions,
  ) {
    this.nodeIds = db.prepare("SELECT id FROM nodes WHERE id > ? ORDER BY id LIMIT ?").pluck();
    this.marks = {
      minute: new LevelMarks(rollups, { next: KEYS.minuteNext, redo: KEYS.minuteRedo }, MINUTE_MS),
      quarter: new LevelMarks(rollups, COARSE_LEVELS.quarter, QUARTER_MS),
      hour: new LevelMarks(rollups, COARSE_LEVELS.hour, HOUR_MS),
    };
    this.minuteNextCache = this.marks.minute.next();
    if (!(opts.rollupEveryMs > 0 && opts.rollupEveryMs % MINUTE_MS === 0)) throw new Error(`rollupEveryMs must be a whole number of minutes, not ${opts.rollupEveryMs} ms`);
  }

  /** Inside the ingest transaction: a snapshot older than the rolled-up minutes asks for a redo. */
  noteSnapshotTs(ts: number): void {
    if (this.minuteNextCache !== null && ts < this.minuteNextCache) this.marks.minute.ask(ts);
  }

  /**
   * Calls `fn` for every node, in transactions of at most ~`sliceMs` of work with a pause
   * between them, so that a rollup of a long backlog never holds the ingest back for long.
   */
  private async forEachNode(fn: (id: string) => void): Promise<void> {
    let after = "";
    for (;;) {
      const ids = this.nodeIds.all(after, this.opts.nodesPerChunk) as string[];
      if (ids.length === 0) return;
      let i = 0;
      while (i < ids.length) {
        const t0 = performance.now();
        this.db.transaction(() => {
          do fn(ids[i++]!);
          while (i < ids.length && performance.now() - t0 < this.opts.sliceMs);
        })();
        await pause();
      }
      after = ids[ids.length - 1]!;
    }
  }

  /**
   * Moves the minute watermark over the minutes that ended `graceMs` ago, in whole
   * `rollupEveryMs`. Minutes of the open hour are not written (readers fold them from the raw
   * rows, `MinuteRollups`); a redo stores again the minutes already stored. Rows written after
   * `seenId` came during the pass (it pauses for the ingest), maybe after it did their node.
   */
  private async rollMinutes(now: number): Promise<number> {
    const seenId = this.telemetry.recentRows.maxId();
    const span = this.marks.minute.span(() => {
      const first = this.telemetry.recentRows.minTs();
      return first === null ? null : bucketOf(first, MINUTE_MS);
    });
    if (span === null) return 0;
    if (this.rollups.getNumber(MINUTE_KEYS.stored) === null) this.minutes.setStored(span.base);
    const { start } = span;
    const end = bucketOf(now - this.opts.graceMs, this.opts.rollupEveryMs);
    // Minutes without a stored row (a controller that was down, a quiet fleet) are skipped
    // in one step. Blocks only hold minutes rolled up before, so raw rows alone decide.
    const firstRow = this.telemetry.recentRows.minTs(start);
    const from = Math.max(start, Math.min(firstRow === null ? end : bucketOf(firstRow, MINUTE_MS), end));
    const target = Math.min(end, from + 10 * MINUTE_MS);
    if (start >= target) return 0;
    const stored = Math.max(from, Math.min(target, this.minutes.stored()));
    // The minutes computed from raw rows are only counted: all nodes' in one scan of the index.
    const counted = this.minutes.rawMinutes(stored, target);
    const raw = { floor: this.rollups.getNumber(KEYS.rawFloor) ?? 0, keptId: this.rollups.getNumber(KEYS.rawFloorId) ?? 0 };
    let buckets = 0;
    await this.forEachNode((id) => {
      for (const [bucket, data] of this.redoneMinutes(id, from, stored, raw)) {
        this.minutes.put(id, bucket, data);
        buckets++;
      }
      buckets += counted.get(id) ?? 0;
    });
    this.db.transaction(() => {
      this.marks.minute.advance(span, target, false);
      // Such a row, if late, asked for a redo that `advance` may just have cleared: ask again.
      const lateTs = this.telemetry.recentRows.minTsAbove(seenId);
      if (lateTs !== null) this.marks.minute.ask(lateTs);
      for (const name of Object.keys(COARSE_LEVELS) as CoarseLevel[]) this.marks[name].ask(start);
    })();
    this.minuteNextCache = Math.max(span.base, target);
    return buckets + (target < end ? await this.rollMinutes(now) : 0);
  }

  /**
   * The node's minutes of [from, to) folded from its raw rows. Before the raw floor, retention
   * pruned the rows the stored minute was folded from: the recent rows there written after
   * the floor moved (late ones; the rows it kept, the nodes' current ones, are folded already) are added to it.
   */
  private *redoneMinutes(id: string, from: number, to: number, raw: { floor: number; keptId: number }): Generator<[number, AggMap]> {
    const floor = Math.max(from, Math.min(to, raw.floor));
    if (from < floor) {
      const late = foldSnapshots(this.telemetry.recentRows.range(id, from, floor).filter((r) => r.id > raw.keptId), MINUTE_MS);
      if (late.size > 0) yield* addLate(this.minutes.range(id, from, floor), late, MINUTE_MS);
    }
    yield* foldSnapshots(this.telemetry.range(id, floor, to), MINUTE_MS);
  }

  /**
   * The hours whose rows are written this pass (`MinuteRollups.packHour`: the minute watermark
   * passed their end; hours without a raw row skipped) and the minute the rows are stored up to
   * after them; null before the first pass.
   */
  private hoursToPack(): { hours: number[]; last: number } | null {
    const rolled = this.marks.minute.next();
    const stored = this.minutes.stored();
    if (rolled === null || stored === Infinity) return null;
    const last = bucketOf(rolled, HOUR_MS);
    const hours: number[] = [];
    for (let hour = bucketOf(stored, HOUR_MS); hour < last; ) {
      hours.push(hour);
      const next = this.minutes.firstRawTs(hour + HOUR_MS);
      hour = Math.max(hour + HOUR_MS, Math.min(next === null ? last : bucketOf(next, HOUR_MS), last));
    }
    return { hours, last: Math.max(stored, last) };
  }

  /**
   * The minutes whose raw rows retention is about to prune (before their hour closed: a raw
   * retention shorter than an hour), stored as single rows from `stored` (after the hours of
   * this pass) in whole `rollupEveryMs` as they were rolled up: their rows are in a block by
   * then, decoded whole by each call; minute by minute, a block was decoded once per minute of it.
   */
  private minutesToMaterialize(stored: number, rawCutoff: number): { from: number; to: number } | null {
    const rolled = this.marks.minute.next();
    if (rolled === null || stored === Infinity) return null;
    const every = this.opts.rollupEveryMs;
    const to = Math.min(Math.ceil(rawCutoff / every) * every, rolled);
    return to <= stored ? null : { from: stored, to };
  }

  /** The span of `level`'s buckets this pass folds from the rolled-up minutes (up to `COARSE_SPAN_PER_PASS`), or null. */
  private coarseSpan(name: CoarseLevel): CoarseSpan | null {
    const marks = this.marks[name];
    const minuteNext = this.marks.minute.next();
    if (minuteNext === null) return null;
    const due = bucketOf(minuteNext, marks.ms);
    // A level's first pass starts at the oldest minute, so a database that had minutes before the level existed gets it for all of them.
    const span = marks.span(() => {
      const first = this.minutes.first(minuteNext);
      return first === null ? due : bucketOf(first, marks.ms);
    })!;
    if (span.start >= due) {
      if (span.fresh) marks.advance(span, due, true);
      return null;
    }
    return { name, marks, span, target: Math.min(due, bucketOf(span.start + COARSE_SPAN_PER_PASS, marks.ms)) };
  }

  private async pruneLoop(del: () => number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = del();
      total += n;
      if (n < this.opts.rowsPerChunk) return total;
      await pause();
    }
  }

  /**
   * One full pass: roll up what is due, then prune what retention lets go, then pack. The hour
   * rows, the coarse levels and the minutes about to lose their raw rows are done node by node
   * in one go: each node's raw rows and minutes are read once for all of them
   * (`MinuteRollups.memoized`). Packing comes after pruning: packed in the same go (the rows
   * decoded once more), the blocks took pages before pruning freed theirs, +0.7 % bytes
   * written a day (controller-disk bench).
   */
  async run(now: number): Promise<MaintenanceReport> {
    const minuteBuckets = await this.rollMinutes(now);
    const { retention, rowsPerChunk } = this.opts;
    // Never prune raw rows that are not rolled up yet; those of minutes not stored yet are stored first.
    const rolled = this.marks.minute.next() ?? 0;
    const rawCutoff = bucketOf(Math.min(now - retention.rawMs, rolled), MINUTE_MS);
    const hours = this.hoursToPack();
    const materialize = this.minutesToMaterialize(hours?.last ?? this.minutes.stored(), rawCutoff);
    const coarse = (Object.keys(COARSE_LEVELS) as CoarseLevel[]).map((l) => this.coarseSpan(l)).filter((c): c is CoarseSpan => c !== null);
    const buckets = { quarter: 0, hour: 0 };
    await this.forEachNode((id) =>
      this.minutes.memoized(id, () => {
        for (const h of hours?.hours ?? []) this.minutes.packHour(id, h);
        for (const c of coarse) {
          for (const [bucket, data] of foldRollups(this.minutes.range(id, c.span.start, c.target), c.marks.ms)) {
            this.rollups.put(c.name, id, bucket, data);
            buckets[c.name]++;
          }
        }
        if (materialize) this.minutes.materialize(id, materialize.from, materialize.to);
      }),
    );
    this.db.transaction(() => {
      if (hours && this.minutes.stored() < hours.last) this.minutes.setStored(hours.last);
      for (const c of coarse) c.marks.advance(c.span, c.target, true);
      if (materialize) this.minutes.setStored(materialize.to);
    })();
    // The latest row of every node is kept whatever its age: it is the node's current state.
    if (rawCutoff > (this.rollups.getNumber(KEYS.rawFloor) ?? 0)) {
      this.db.transaction(() => {
        this.rollups.setNumber(KEYS.rawFloorId, this.telemetry.recentRows.maxId());
        this.rollups.setNumber(KEYS.rawFloor, rawCutoff);
      })();
    }
    const prunedRaw = await this.pruneLoop(() => this.db.transaction(() => this.telemetry.pruneRecent(rawCutoff, rowsPerChunk))());
    const prunedBlocks = await this.pruneLoop(() => this.telemetry.pruneBlocks(rawCutoff, rowsPerChunk));
    const packedRows = await this.pack(bucketOf(Math.min(rolled, now), BLOCK_MS));
    // Nor minutes that a coarser level has not folded yet.
    const folded = Math.min(...(Object.keys(COARSE_LEVELS) as CoarseLevel[]).map((l) => this.marks[l].next() ?? 0));
    const minuteCutoff = Math.min(bucketOf(now - retention.minuteMs, this.opts.rollupEveryMs), folded);
    const prunedMinute = this.db.transaction(() => this.minutes.retire(minuteCutoff, rolled))();
    await this.pruneLoop(() => this.db.transaction(() => this.minutes.dropRetired(rowsPerChunk))());
    const prunedQuarter = await this.pruneLoop(() => this.rollups.prune("quarter", now - retention.quarterMs, rowsPerChunk));
    const prunedHour = await this.pruneLoop(() => this.rollups.prune("hour", now - retention.hourMs, rowsPerChunk));
    return { minuteBuckets, quarterBuckets: buckets.quarter, hourBuckets: buckets.hour, prunedRaw, prunedBlocks, packedRows, prunedMinute, prunedQuarter, prunedHour };
  }

  /**
   * Closed windows that are rolled up are compressed into blocks (what retention keeps
   * stays readable): every node's rows are copied into its blocks, then the recent copies
   * are deleted: a slot that holds mostly copied rows at once (`clearSlot`), the others
   * window by window in chunks, so that their pages are freed, not rewritten.
   */
  private async pack(before: number): Promise<number> {
    const first = this.telemetry.recentRows.firstPackable(before);
    if (first === null) return 0;
    const until = Math.min(before, bucketOf(first, BLOCK_MS) + PACK_WINDOWS_PER_PASS * BLOCK_MS);
    const ids: number[] = [];
    await this.forEachNode((id) => {
      ids.push(...this.telemetry.packWindows(id, until));
    });
    // A slot holding mostly packed rows is emptied whole; the rest go row by row.
    const packed = new Set(ids);
    const recent = this.telemetry.recentRows;
    let cleared = 0;
    for (let slot = 0; slot < recent.slotCount; slot++) {
      const gone = this.db.transaction(() => recent.clearSlot(slot, packed))();
      for (const id of gone) packed.delete(id);
      cleared += gone.length;
      await pause();
    }
    const order = this.telemetry.dropOrder([...packed]);
    for (let i = 0; i < order.length; i += this.opts.rowsPerChunk) {
      this.db.transaction(() => this.telemetry.dropPacked(order.slice(i, i + this.opts.rowsPerChunk)))();
      await pause();
    }
    return cleared + order.length;
  }

  /** Each level's first bucket not rolled up yet (null before its first pass). */
  watermarks(): Watermarks {
    return { minute: this.marks.minute.next(), quarter: this.marks.quarter.next(), hour: this.marks.hour.next() };
  }
}
