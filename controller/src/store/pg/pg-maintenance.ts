import { MINUTE_MS, type RetentionConfig } from "../types";
import { addLate, bucketOf, foldRollups, foldSnapshots, type AggMap } from "../rollup-fold";
import { COARSE_LEVELS, COARSE_SPAN_PER_PASS, KEYS, type CoarseLevel, type MaintenanceReport } from "../maintenance";
import type { MaintenanceStore } from "../store-api";
import type { Watermarks } from "../series";
import type { PgDb } from "./pg-db";
import { bytewise } from "../sql/dialect";
import type { PgRollups } from "./pg-rollups";
import type { PgTelemetry } from "./pg-telemetry";


export interface PgMaintenanceOptions {
  retention: RetentionConfig;
  /** A minute is rolled up this long after it ended (late snapshots). */
  graceMs: number;
  /** Nodes per rollup transaction; rows per delete. */
  nodesPerChunk: number;
  rowsPerChunk: number;
}

/**
 * Rollups and retention on PostgreSQL, with the rules of SQLite's `maintenance.ts`: minute
 * rollups from raw rows (a late snapshot asks for a redo), hour rollups from minutes, raw
 * rows never pruned before they are rolled up, a node's current row kept whatever its age.
 * Raw rows stay rows (no blocks). Run it on one controller of a cluster at a time.
 */
export class PgMaintenance implements MaintenanceStore {
  private minuteNextCache: number | null | undefined;

  constructor(
    private readonly db: PgDb,
    private readonly telemetry: PgTelemetry,
    private readonly rollups: PgRollups,
    private readonly opts: PgMaintenanceOptions,
  ) {}

  async noteSnapshotTs(ts: number): Promise<void> {
    if (this.minuteNextCache === undefined) this.minuteNextCache = await this.rollups.getNumber(KEYS.minuteNext);
    const next = this.minuteNextCache;
    if (next === null || ts >= next) return;
    const b = bucketOf(ts, MINUTE_MS);
    const redo = await this.rollups.getNumber(KEYS.minuteRedo);
    if (redo === null || b < redo) await this.rollups.setNumber(KEYS.minuteRedo, b);
  }

  async watermarks(): Promise<Watermarks> {
    return { minute: await this.rollups.getNumber(KEYS.minuteNext), quarter: await this.rollups.getNumber(KEYS.quarterNext), hour: await this.rollups.getNumber(KEYS.hourNext) };
  }

  /** Calls `fn` for every node, `nodesPerChunk` nodes per transaction. */
  private async forEachNode(fn: (id: string) => Promise<void>): Promise<void> {
    let after = "";
    for (;;) {
      const byId = bytewise(this.db.dialect, "id");
      const ids = (await this.db.query<{ id: string }>(`SELECT id FROM nodes WHERE ${byId} > $1 ORDER BY ${byId} LIMIT $2`, [after, this.opts.nodesPerChunk])).map((r) => r.id);
      if (ids.length === 0) return;
      await this.db.transaction(async () => {
        for (const id of ids) await fn(id);
      });
      after = ids[ids.length - 1]!;
    }
  }

  private async minRawTs(from = Number.MIN_SAFE_INTEGER): Promise<number | null> {
    const [r] = await this.db.query<{ ts: number | null }>("SELECT min(ts) AS ts FROM raw_snapshots WHERE ts >= $1", [from]);
    return r?.ts ?? null;
  }

  private async rollMinutes(now: number): Promise<number> {
    let next = await this.rollups.getNumber(KEYS.minuteNext);
    if (next === null) {
      const first = await this.minRawTs();
      if (first === null) return 0;
      next = bucketOf(first, MINUTE_MS);
    }
    const redo = await this.rollups.getNumber(KEYS.minuteRedo);
    const start = redo === null ? next : Math.min(redo, next);
    const end = bucketOf(now - this.opts.graceMs, MINUTE_MS);
    // Minutes without a stored row are skipped in one step.
    const firstRow = await this.minRawTs(start);
    const from = Math.max(start, Math.min(firstRow === null ? end : bucketOf(firstRow, MINUTE_MS), end));
    const target = Math.min(end, from + 10 * MINUTE_MS);
    if (start >= target) return 0;
    const raw = { floor: (await this.rollups.getNumber(KEYS.rawFloor)) ?? 0, keptId: (await this.rollups.getNumber(KEYS.rawFloorId)) ?? 0 };
    let buckets = 0;
    await this.forEachNode(async (id) => {
      for (const [bucket, data] of await this.redoneMinutes(id, from, target, raw)) {
        await this.rollups.put("minute", id, bucket, data);
        buckets++;
      }
    });
    const newNext = Math.max(next, target);
    await this.db.transaction(async () => {
      await this.rollups.setNumber(KEYS.minuteNext, newNext);
      if (redo !== null && (await this.rollups.getNumber(KEYS.minuteRedo)) === redo) await this.rollups.setNumber(KEYS.minuteRedo, null);
      for (const level of Object.values(COARSE_LEVELS)) {
        const levelNext = await this.rollups.getNumber(level.next);
        if (levelNext === null || start >= levelNext) continue;
        const lr = await this.rollups.getNumber(level.redo);
        const b = bucketOf(start, level.ms);
        if (lr === null || b < lr) await this.rollups.setNumber(level.redo, b);
      }
    });
    this.minuteNextCache = newNext;
    return buckets + (target < end ? await this.rollMinutes(now) : 0);
  }

  /** The node's minutes of [from, to) from its raw rows; before the raw floor, its late rows added to the stored minute (SQLite's `redoneMinutes`). */
  private async redoneMinutes(id: string, from: number, to: number, raw: { floor: number; keptId: number }): Promise<[number, AggMap][]> {
    const floor = Math.max(from, Math.min(to, raw.floor));
    const out: [number, AggMap][] = [];
    if (from < floor) {
      const late = foldSnapshots((await this.telemetry.range(id, from, floor)).filter((r) => r.id > raw.keptId), MINUTE_MS);
      if (late.size > 0) out.push(...addLate(await this.rollups.range("minute", id, from, floor), late, MINUTE_MS));
    }
    return out.concat([...foldSnapshots(await this.telemetry.range(id, floor, to), MINUTE_MS)]);
  }

  /** Folds the rolled-up minutes into `level`'s buckets (the rules of SQLite's `rollCoarse`). */
  private async rollCoarse(name: CoarseLevel): Promise<number> {
    const level = COARSE_LEVELS[name];
    const minuteNext = await this.rollups.getNumber(KEYS.minuteNext);
    if (minuteNext === null) return 0;
    const due = bucketOf(minuteNext, level.ms);
    const next = await this.rollups.getNumber(level.next);
    const redo = await this.rollups.getNumber(level.redo);
    const [firstRow] = await this.db.query<{ bucket: number | null }>("SELECT min(bucket) AS bucket FROM rollups_minute");
    const first = firstRow?.bucket ?? null;
    const base = next ?? (first === null ? due : bucketOf(first, level.ms));
    const start = redo === null ? base : Math.min(redo, base);
    if (start >= due) {
      if (next === null) await this.rollups.setNumber(level.next, due);
      return 0;
    }
    const target = Math.min(due, bucketOf(start + COARSE_SPAN_PER_PASS, level.ms));
    let buckets = 0;
    await this.forEachNode(async (id) => {
      for (const [bucket, data] of foldRollups(await this.rollups.range("minute", id, start, target), level.ms)) {
        await this.rollups.put(name, id, bucket, data);
        buckets++;
      }
    });
    await this.db.transaction(async () => {
      await this.rollups.setNumber(level.next, Math.max(base, target));
      if (redo !== null && (await this.rollups.getNumber(level.redo)) === redo) await this.rollups.setNumber(level.redo, target < base ? target : null);
    });
    return buckets;
  }

  private async pruneLoop(del: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await del();
      total += n;
      if (n < this.opts.rowsPerChunk) return total;
    }
  }

  async run(now: number): Promise<MaintenanceReport> {
    const minuteBuckets = await this.rollMinutes(now);
    const quarterBuckets = await this.rollCoarse("quarter");
    const hourBuckets = await this.rollCoarse("hour");
    const { retention, rowsPerChunk } = this.opts;
    // Never prune raw rows that are not rolled up yet; the latest row of every node stays (its current state).
    const rolled = (await this.rollups.getNumber(KEYS.minuteNext)) ?? 0;
    const rawCutoff = bucketOf(Math.min(now - retention.rawMs, rolled), MINUTE_MS);
    if (rawCutoff > ((await this.rollups.getNumber(KEYS.rawFloor)) ?? 0)) {
      const [max] = await this.db.query<{ id: number | null }>("SELECT max(id) AS id FROM raw_snapshots");
      await this.db.transaction(async () => {
        await this.rollups.setNumber(KEYS.rawFloorId, Number(max?.id ?? 0));
        await this.rollups.setNumber(KEYS.rawFloor, rawCutoff);
      });
    }
    const prunedRaw = await this.pruneLoop(() =>
      this.db.run(
        `DELETE FROM raw_snapshots WHERE id IN (SELECT id FROM raw_snapshots WHERE ts < $1
          AND NOT EXISTS (SELECT 1 FROM node_state WHERE node_state.raw_id = raw_snapshots.id) LIMIT $2)`,
        [rawCutoff, rowsPerChunk],
      ),
    );
    // Nor minutes that a coarser level has not folded yet.
    let folded = Infinity;
    for (const l of Object.values(COARSE_LEVELS)) folded = Math.min(folded, (await this.rollups.getNumber(l.next)) ?? 0);
    const prunedMinute = await this.pruneLoop(() => this.rollups.prune("minute", Math.min(now - retention.minuteMs, folded), rowsPerChunk));
    const prunedQuarter = await this.pruneLoop(() => this.rollups.prune("quarter", now - retention.quarterMs, rowsPerChunk));
    const prunedHour = await this.pruneLoop(() => this.rollups.prune("hour", now - retention.hourMs, rowsPerChunk));
    return { minuteBuckets, quarterBuckets, hourBuckets, prunedRaw, prunedBlocks: 0, packedRows: 0, prunedMinute, prunedQuarter, prunedHour };
  }
}
