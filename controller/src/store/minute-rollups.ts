import type { Database, Statement } from "better-sqlite3";
import type { Agg, AggMap } from "./rollup-fold";
import { bucketOf, foldSnapshots } from "./rollup-fold";
import { decodeMinuteHour, encodeMinuteHour, minutesOfHour, seriesOfMinuteHours, type MinuteRow } from "./rollup-hour-codec";
import type { RollupsRepository } from "./rollups-repo";
import type { RollupSeries } from "./series";
import type { TelemetryRepository } from "./telemetry-repo";
import { BLOCK_MS } from "./raw-block";
import { HOUR_MS, MINUTE_MS } from "./types";

/** SQLite's minute watermarks in `store_meta`, besides the minute level's own (`KEYS` in `maintenance.ts`). */
export const MINUTE_KEYS = {
  /** Minutes before it are stored; from it up to the minute watermark they are computed from the raw rows. */
  stored: "rollup.minute.stored",
  /** Minutes before it are pruned (retention): read as absent, their rows deleted once a whole hour is past it. */
  floor: "rollup.minute.floor",
} as const;

/** Hour rows inflated per call of `rangeSeries`. */
const HOURS_PER_INFLATE = 48;

const byBucket = (a: { bucket: number }, b: { bucket: number }): number => a.bucket - b.bucket;

/**
 * SQLite's minute rollups, in three spans of time:
 *
 * - from `stored` up to the minute watermark (the open hour): not written at all, folded from
 *   the raw rows when read, which retention keeps until then;
 * - before `stored`: a closed hour of a node is ONE row of `rollups_minute_hours`
 *   (`rollup-hour-codec.ts`), written once when the minute watermark passes the hour's end;
 *   `rollups_minute` holds single minutes: rows written before that table, minutes whose raw
 *   rows retention drops before their hour closes (`materialize`), late snapshots of an hour
 *   that has no row;
 * - before `floor`: pruned.
 *
 * Readers see one minute row per node and minute with data, as when every minute was a row.
 */
export class MinuteRollups {
  /** The minutes folded from raw rows of the node maintenance works on (`memoized`); null: none of that minute. */
  private memo: { node: string; minutes: Map<number, AggMap | null> } | null = null;
  private readonly s: Record<"getHour" | "putHour" | "hours" | "hoursIn" | "dropHours" | "dropSingles" | "countSingles" | "firstSingle" | "firstHour" | "firstBlock" | "nodeIds", Statement>;

  constructor(
    db: Database,
    private readonly telemetry: TelemetryRepository,
    private readonly rollups: RollupsRepository,
  ) {
    this.s = {
      getHour: db.prepare("SELECT data FROM rollups_minute_hours WHERE node_id = ? AND bucket = ?").pluck(),
      putHour: db.prepare("INSERT OR REPLACE INTO rollups_minute_hours (node_id, bucket, data) VALUES (?, ?, ?)"),
      hours: db.prepare("SELECT bucket, data FROM rollups_minute_hours WHERE node_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket"),
      hoursIn: db.prepare("SELECT bucket, data FROM rollups_minute_hours WHERE bucket >= ? AND bucket < ?"),
      dropHours: db.prepare("DELETE FROM rollups_minute_hours WHERE rowid IN (SELECT rowid FROM rollups_minute_hours WHERE bucket <= ? LIMIT ?)"),
      dropSingles: db.prepare("DELETE FROM rollups_minute WHERE node_id = ? AND bucket >= ? AND bucket < ?"),
      countSingles: db.prepare("SELECT count(*) FROM rollups_minute WHERE bucket >= ? AND bucket < ?").pluck(),
      firstSingle: db.prepare("SELECT min(bucket) FROM rollups_minute WHERE bucket >= ?").pluck(),
      firstHour: db.prepare("SELECT min(bucket) FROM rollups_minute_hours WHERE bucket >= ?").pluck(),
      firstBlock: db.prepare("SELECT min(start) FROM raw_blocks WHERE start > ?").pluck(),
      nodeIds: db.prepare("SELECT id FROM nodes ORDER BY id").pluck(),
    };
  }

  /** Minutes before it are stored; at and after it they are computed from raw rows (none before the first pass). */
  stored(): number {
    return this.rollups.getNumber(MINUTE_KEYS.stored) ?? Infinity;
  }

  floor(): number {
    return this.rollups.getNumber(MINUTE_KEYS.floor) ?? 0;
  }

  setStored(at: number): void {
    this.rollups.setNumber(MINUTE_KEYS.stored, at);
  }

  /** The node's minutes with from <= bucket < to, ascending; `to` at most the minute watermark. */
  *range(node: string, from: number, to: number): Generator<MinuteRow> {
    from = Math.max(from, this.floor());
    const mid = Math.max(from, Math.min(to, this.stored()));
    if (from < mid) {
      const rows: MinuteRow[] = [...this.rollups.range("minute", node, from, mid)];
      for (const h of this.hourRows(node, from, mid)) rows.push(...decodeMinuteHour(h.hour, h.data).filter((r) => r.bucket >= from && r.bucket < mid));
      yield* rows.sort(byBucket);
    }
    if (mid < to) for (const [bucket, data] of this.foldRaw(node, mid, to)) yield { bucket, data };
  }

  /** Like `range`, but only the series whose id starts with `prefix`; minutes without one may be left out. */
  *rangeSeries(node: string, from: number, to: number, prefix: string): Generator<RollupSeries> {
    from = Math.max(from, this.floor());
    const mid = Math.max(from, Math.min(to, this.stored()));
    if (from < mid) {
      const rows: RollupSeries[] = [...this.rollups.rangeSeries("minute", node, from, mid, prefix)];
      const hours = this.hourRows(node, from, mid);
      for (let i = 0; i < hours.length; i += HOURS_PER_INFLATE) {
        for (const minutes of seriesOfMinuteHours(hours.slice(i, i + HOURS_PER_INFLATE), prefix)) rows.push(...minutes.filter((r) => r.bucket >= from && r.bucket < mid));
      }
      yield* rows.sort(byBucket);
    }
    if (mid < to) {
      for (const [bucket, data] of foldSnapshots(this.telemetry.range(node, mid, to), MINUTE_MS)) {
        const series = Object.entries(data).filter(([id]) => id.startsWith(prefix)) as [string, Agg][];
        if (series.length > 0) yield { bucket, series };
      }
    }
  }

  /**
   * Runs `fn` (maintenance's work on one node) with the node's minutes folded from raw rows
   * remembered: the hour row and the levels read the same minutes in one pass, and the raw
   * rows are decoded once for all of them. Callers must not change what they get.
   */
  memoized<T>(node: string, fn: () => T): T {
    const outer = this.memo;
    this.memo = { node, minutes: new Map() };
    try {
      return fn();
    } finally {
      this.memo = outer;
    }
  }

  /** The node's minutes of [from, to) (whole minutes) folded from its raw rows, by bucket, ascending. */
  private foldRaw(node: string, from: number, to: number): Map<number, AggMap> {
    const memo = this.memo?.node === node ? this.memo.minutes : null;
    if (memo === null || from % MINUTE_MS !== 0 || to % MINUTE_MS !== 0) return foldSnapshots(this.telemetry.range(node, from, to), MINUTE_MS);
    let known = true;
    for (let m = from; known && m < to; m += MINUTE_MS) known = memo.has(m);
    if (!known) {
      const folded = foldSnapshots(this.telemetry.range(node, from, to), MINUTE_MS);
      for (let m = from; m < to; m += MINUTE_MS) memo.set(m, folded.get(m) ?? null);
      return folded;
    }
    const out = new Map<number, AggMap>();
    for (let m = from; m < to; m += MINUTE_MS) {
      const data = memo.get(m);
      if (data) out.set(m, data);
    }
    return out;
  }

  private hourRows(node: string, from: number, to: number): { hour: number; data: Buffer }[] {
    return (this.s.hours.all(node, bucketOf(from, HOUR_MS), to) as { bucket: number; data: Buffer }[]).map((r) => ({ hour: r.bucket, data: r.data }));
  }

  /** Stores a minute rolled up again (a late snapshot): into its hour's row if it has one; nothing when pruned or computed from raw rows. */
  put(node: string, bucket: number, data: AggMap): void {
    if (bucket < this.floor() || bucket >= this.stored()) return;
    const hour = bucketOf(bucket, HOUR_MS);
    const row = this.s.getHour.get(node, hour) as Buffer | undefined;
    if (row === undefined) return this.rollups.put("minute", node, bucket, data);
    const minutes = new Map(decodeMinuteHour(hour, row).map((r) => [r.bucket, r.data]));
    minutes.set(bucket, data);
    this.writeHour(node, hour, minutes);
  }

  /**
   * Writes the node's row of the hour starting at `hour` (closed, from `stored` on computed
   * from raw rows): its row so far (a pass cut short), its single minutes and its minutes
   * from the raw rows, in one row; deletes the single minutes. Returns whether it wrote.
   */
  packHour(node: string, hour: number): boolean {
    const end = hour + HOUR_MS;
    const row = this.s.getHour.get(node, hour) as Buffer | undefined;
    const minutes = new Map<number, AggMap>(row === undefined ? [] : decodeMinuteHour(hour, row).map((r) => [r.bucket, r.data]));
    for (const r of this.rollups.range("minute", node, hour, end)) minutes.set(r.bucket, r.data);
    for (const [bucket, data] of this.foldRaw(node, Math.max(hour, this.stored()), end)) minutes.set(bucket, data);
    if (minutes.size === 0) return false;
    this.writeHour(node, hour, minutes);
    this.s.dropSingles.run(node, hour, end);
    return true;
  }

  private writeHour(node: string, hour: number, minutes: Map<number, AggMap>): void {
    const rows = [...minutes].map(([bucket, data]) => ({ bucket, data })).sort(byBucket);
    this.s.putHour.run(node, hour, encodeMinuteHour(hour, rows));
  }

  /** Stores the node's minutes in [from, to) (at or after `stored`) as single rows: their raw rows are about to be pruned. */
  materialize(node: string, from: number, to: number): number {
    let n = 0;
    for (const [bucket, data] of this.foldRaw(node, from, to)) {
      this.rollups.put("minute", node, bucket, data);
      n++;
    }
    return n;
  }

  /** Moves the floor up to `before`; returns how many minutes it let go (`rolled`: the minute watermark). */
  retire(before: number, rolled: number): number {
    const floor = this.floor();
    if (before <= floor) return 0;
    const n = this.count(floor, before, rolled);
    this.rollups.setNumber(MINUTE_KEYS.floor, before);
    return n;
  }

  /** Deletes up to `limit` rows below the floor (hour rows once their whole hour is); returns how many. */
  dropRetired(limit: number): number {
    const floor = this.floor();
    const singles = this.rollups.prune("minute", floor, limit);
    return singles + this.s.dropHours.run(floor - HOUR_MS, limit - singles).changes;
  }

  /** Minutes (node and bucket) with from <= bucket < to and `rolled`, the minute watermark (tests, benchmarks: reads every row of the span). */
  count(from: number, to: number, rolled: number): number {
    from = Math.max(from, this.floor());
    const stored = this.stored();
    const mid = Math.max(from, Math.min(to, stored));
    let n = 0;
    if (from < mid) {
      n += this.s.countSingles.get(from, mid) as number;
      for (const r of this.s.hoursIn.iterate(bucketOf(from, HOUR_MS), mid) as IterableIterator<{ bucket: number; data: Buffer }>) {
        n += minutesOfHour(r.bucket, r.data).filter((b) => b >= from && b < mid).length;
      }
    }
    const end = Math.min(to, rolled);
    if (mid < end) {
      const counted = this.rawMinutes(mid, end);
      for (const id of this.s.nodeIds.all() as string[]) n += counted.get(id) ?? 0;
    }
    return n;
  }

  /**
   * The minutes of [from, to) in which each node has raw rows (nodes without any left out).
   * Counted from the recent rows' index, all nodes in one scan, when no block overlaps the span
   * (blocks end at the minute watermark, so only a redo reaches into one); otherwise every
   * node's rows are read.
   */
  rawMinutes(from: number, to: number): Map<string, number> {
    const block = this.s.firstBlock.get(from - BLOCK_MS) as number | null;
    if (block === null || block >= to) return this.telemetry.recentRows.minutes(from, to);
    const out = new Map<string, number>();
    for (const id of this.s.nodeIds.all() as string[]) {
      const minutes = new Set<number>();
      for (const r of this.telemetry.range(id, from, to)) minutes.add(bucketOf(r.ts, MINUTE_MS));
      if (minutes.size > 0) out.set(id, minutes.size);
    }
    return out;
  }

  /**
   * The time of the first raw row at or after `from`, or earlier (a block's start: blocks
   * hold rolled-up windows, the open hour's included); null when there is none.
   */
  firstRawTs(from: number): number | null {
    const recent = this.telemetry.recentRows.minTs(from);
    const block = this.s.firstBlock.get(from - BLOCK_MS) as number | null;
    return recent === null ? block : block === null ? recent : Math.min(recent, block);
  }

  /** The first minute's bucket (an hour row's: its hour's start) at or after the floor, before `rolled`; null when none. */
  first(rolled: number): number | null {
    const floor = this.floor();
    const hour = this.s.firstHour.get(bucketOf(floor, HOUR_MS)) as number | null;
    const single = this.s.firstSingle.get(floor) as number | null;
    const raw = this.firstRawTs(Math.max(floor, Math.min(this.stored(), rolled)));
    const all = [hour === null ? null : Math.max(hour, floor), single, raw === null || raw >= rolled ? null : bucketOf(raw, MINUTE_MS)].filter((b): b is number => b !== null);
    return all.length === 0 ? null : Math.min(...all);
  }
}
