import type { Database, Statement } from "better-sqlite3";
import { HOUR_MS, MINUTE_MS, QUARTER_MS, type RetentionConfig } from "./types";
import { bucketOf, foldRollups, foldSnapshots } from "./rollup-fold";
import { BLOCK_MS } from "./raw-block";
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
  private readonly firstMinute: Statement;
  private minuteNextCache: number | null;

  constructor(
    private readonly db: Database,
    private readonly telemetry: TelemetryRepository,
    private readonly rollups: RollupsRepository,
    private readonly opts: MaintenanceOptions,
  ) {
    this.nodeIds = db.prepare("SELECT id FROM nodes WHERE id > ? ORDER BY id LIMIT ?").pluck();
    this.firstMinute = db.prepare("SELECT min(bucket) FROM rollups_minute").pluck();
    this.minuteNextCache = rollups.getNumber(KEYS.minuteNext);
    if (!(opts.rollupEveryMs > 0 && opts.rollupEveryMs % MINUTE_MS === 0)) throw new Error(`rollupEveryMs must be a whole number of minutes, not ${opts.rollupEveryMs} ms`);
  }

  /** Inside the ingest transaction: a snapshot older than the rolled-up minutes asks for a redo. */
  noteSnapshotTs(ts: number): void {
    const next = this.minuteNextCache;
    if (next === null || ts >= next) return;
    const b = bucketOf(ts, MINUTE_MS);
    const redo = this.rollups.getNumber(KEYS.minuteRedo);
    if (redo === null || b < redo) this.rollups.setNumber(KEYS.minuteRedo, b);
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

  private async rollMinutes(now: number): Promise<number> {
    let next = this.rollups.getNumber(KEYS.minuteNext);
    if (next === null) {
      const first = this.telemetry.recentRows.minTs();
      if (first === null) return 0;
      next = bucketOf(first, MINUTE_MS);
    }
    const redo = this.rollups.getNumber(KEYS.minuteRedo);
    const start = redo === null ? next : Math.min(redo, next);
    const end = bucketOf(now - this.opts.graceMs, this.opts.rollupEveryMs);
    // Minutes without a stored row (a controller that was down, a quiet fleet) are skipped
    // in one step. Blocks only hold minutes rolled up before, so raw rows alone decide.
    const firstRow = this.telemetry.recentRows.minTs(start);
    const from = Math.max(start, Math.min(firstRow === null ? end : bucketOf(firstRow, MINUTE_MS), end));
    const target = Math.min(end, from + 10 * MINUTE_MS);
    if (start >= target) return 0;
    let buckets = 0;
    await this.forEachNode((id) => {
      for (const [bucket, data] of foldSnapshots(this.telemetry.range(id, from, target), MINUTE_MS)) {
        this.rollups.put("minute", id, bucket, data);
        buckets++;
      }
    });
    this.db.transaction(() => {
      this.rollups.setNumber(KEYS.minuteNext, Math.max(next, target));
      if (redo !== null && this.rollups.getNumber(KEYS.minuteRedo) === redo) this.rollups.setNumber(KEYS.minuteRedo, null);
      for (const level of Object.values(COARSE_LEVELS)) {
        const levelNext = this.rollups.getNumber(level.next);
        if (levelNext === null || start >= levelNext) continue;
        const lr = this.rollups.getNumber(level.redo);
        const b = bucketOf(start, level.ms);
        if (lr === null || b < lr) this.rollups.setNumber(level.redo, b);
      }
    })();
    this.minuteNextCache = Math.max(next, target);
    return buckets + (target < end ? await this.rollMinutes(now) : 0);
  }

  /** Folds the rolled-up minutes into `level`'s buckets, up to `COARSE_SPAN_PER_PASS` of them. */
  private async rollCoarse(name: CoarseLevel): Promise<number> {
    const level = COARSE_LEVELS[name];
    const minuteNext = this.rollups.getNumber(KEYS.minuteNext);
    if (minuteNext === null) return 0;
    const due = bucketOf(minuteNext, level.ms);
    const next = this.rollups.getNumber(level.next);
    const redo = this.rollups.getNumber(level.redo);
    const first = this.firstMinute.get() as number | null;
    const base = next ?? (first === null ? due : bucketOf(first, level.ms));
    const start = redo === null ? base : Math.min(redo, base);
    if (start >= due) {
      if (next === null) this.rollups.setNumber(level.next, due);
      return 0;
    }
    const target = Math.min(due, bucketOf(start + COARSE_SPAN_PER_PASS, level.ms));
    let buckets = 0;
    await this.forEachNode((id) => {
      for (const [bucket, data] of foldRollups(this.rollups.range("minute", id, start, target), level.ms)) {
        this.rollups.put(name, id, bucket, data);
        buckets++;
      }
    });
    this.db.transaction(() => {
      this.rollups.setNumber(level.next, Math.max(base, target));
      if (redo !== null && this.rollups.getNumber(level.redo) === redo) this.rollups.setNumber(level.redo, target < base ? target : null);
    })();
    return buckets;
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

  /** One full pass: roll up what is due, then prune what retention lets go. */
  async run(now: number): Promise<MaintenanceReport> {
    const minuteBuckets = await this.rollMinutes(now);
    const quarterBuckets = await this.rollCoarse("quarter");
    const hourBuckets = await this.rollCoarse("hour");
    const { retention, rowsPerChunk } = this.opts;
    // Never prune raw rows that are not rolled up yet.
    const rolled = this.rollups.getNumber(KEYS.minuteNext) ?? 0;
    const rawCutoff = Math.min(now - retention.rawMs, rolled);
    // The latest row of every node is kept whatever its age: it is the node's current state.
    const prunedRaw = await this.pruneLoop(() => this.db.transaction(() => this.telemetry.pruneRecent(rawCutoff, rowsPerChunk))());
    const prunedBlocks = await this.pruneLoop(() => this.telemetry.pruneBlocks(rawCutoff, rowsPerChunk));
    const packedRows = await this.pack(bucketOf(Math.min(rolled, now), BLOCK_MS));
    // Nor minutes that a coarser level has not folded yet.
    const folded = Math.min(...Object.values(COARSE_LEVELS).map((l) => this.rollups.getNumber(l.next) ?? 0));
    const minuteCutoff = Math.min(bucketOf(now - retention.minuteMs, this.opts.rollupEveryMs), folded);
    const prunedMinute = await this.pruneLoop(() => this.rollups.prune("minute", minuteCutoff, rowsPerChunk));
    const prunedQuarter = await this.pruneLoop(() => this.rollups.prune("quarter", now - retention.quarterMs, rowsPerChunk));
    const prunedHour = await this.pruneLoop(() => this.rollups.prune("hour", now - retention.hourMs, rowsPerChunk));
    return { minuteBuckets, quarterBuckets, hourBuckets, prunedRaw, prunedBlocks, packedRows, prunedMinute, prunedQuarter, prunedHour };
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
    return { minute: this.rollups.getNumber(KEYS.minuteNext), quarter: this.rollups.getNumber(KEYS.quarterNext), hour: this.rollups.getNumber(KEYS.hourNext) };
  }
}
