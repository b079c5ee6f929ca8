import type { Database, Statement } from "better-sqlite3";
import { HOUR_MS, MINUTE_MS, type RetentionConfig } from "./types";
import { bucketOf, foldRollups, foldSnapshots } from "./rollup-fold";
import { BLOCK_MS } from "./raw-block";
import type { RollupsRepository } from "./rollups-repo";
import type { TelemetryRepository } from "./telemetry-repo";

/** The rollup watermarks in `store_meta` (both stores). */
export const KEYS = {
  minuteNext: "rollup.minute.next",
  minuteRedo: "rollup.minute.redo",
  hourNext: "rollup.hour.next",
  hourRedo: "rollup.hour.redo",
} as const;

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
  hourBuckets: number;
  prunedRaw: number;
  /** Raw blocks (closed windows of one node) dropped by retention. */
  prunedBlocks: number;
  /** Raw rows moved into blocks. */
  packedRows: number;
  prunedMinute: number;
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
  private minuteNextCache: number | null;

  constructor(
    private readonly db: Database,
    private readonly telemetry: TelemetryRepository,
    private readonly rollups: RollupsRepository,
    private readonly opts: MaintenanceOptions,
  ) {
    this.nodeIds = db.prepare("SELECT id FROM nodes WHERE id > ? ORDER BY id LIMIT ?").pluck();
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
      const hourNext = this.rollups.getNumber(KEYS.hourNext);
      if (hourNext !== null && start < hourNext) {
        const hr = this.rollups.getNumber(KEYS.hourRedo);
        const b = bucketOf(start, HOUR_MS);
        if (hr === null || b < hr) this.rollups.setNumber(KEYS.hourRedo, b);
      }
    })();
    this.minuteNextCache = Math.max(next, target);
    return buckets + (target < end ? await this.rollMinutes(now) : 0);
  }

  private async rollHours(): Promise<number> {
    const minuteNext = this.rollups.getNumber(KEYS.minuteNext);
    if (minuteNext === null) return 0;
    const target = bucketOf(minuteNext, HOUR_MS);
    const next = this.rollups.getNumber(KEYS.hourNext);
    const redo = this.rollups.getNumber(KEYS.hourRedo);
    const first = this.telemetry.recentRows.minTs();
    const base = next ?? (first === null ? target : bucketOf(first, HOUR_MS));
    const start = redo === null ? base : Math.min(redo, base);
    if (start >= target) {
      if (next === null) this.rollups.setNumber(KEYS.hourNext, target);
      return 0;
    }
    let buckets = 0;
    await this.forEachNode((id) => {
      for (const [bucket, data] of foldRollups(this.rollups.range("minute", id, start, target), HOUR_MS)) {
        this.rollups.put("hour", id, bucket, data);
        buckets++;
      }
    });
    this.db.transaction(() => {
      this.rollups.setNumber(KEYS.hourNext, Math.max(base, target));
      if (redo !== null && this.rollups.getNumber(KEYS.hourRedo) === redo) this.rollups.setNumber(KEYS.hourRedo, null);
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
    const hourBuckets = await this.rollHours();
    const { retention, rowsPerChunk } = this.opts;
    // Never prune raw rows that are not rolled up yet.
    const rolled = this.rollups.getNumber(KEYS.minuteNext) ?? 0;
    const rawCutoff = Math.min(now - retention.rawMs, rolled);
    // The latest row of every node is kept whatever its age: it is the node's current state.
    const prunedRaw = await this.pruneLoop(() => this.db.transaction(() => this.telemetry.pruneRecent(rawCutoff, rowsPerChunk))());
    const prunedBlocks = await this.pruneLoop(() => this.telemetry.pruneBlocks(rawCutoff, rowsPerChunk));
    const packedRows = await this.pack(bucketOf(Math.min(rolled, now), BLOCK_MS));
    const prunedMinute = await this.pruneLoop(() => this.rollups.prune("minute", bucketOf(now - retention.minuteMs, this.opts.rollupEveryMs), rowsPerChunk));
    const prunedHour = await this.pruneLoop(() => this.rollups.prune("hour", now - retention.hourMs, rowsPerChunk));
    return { minuteBuckets, hourBuckets, prunedRaw, prunedBlocks, packedRows, prunedMinute, prunedHour };
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

  /** The first minute bucket not rolled up yet (null before the first pass). */
  watermarks(): { minute: number | null; hour: number | null } {
    return { minute: this.rollups.getNumber(KEYS.minuteNext), hour: this.rollups.getNumber(KEYS.hourNext) };
  }
}
