import { bucketOf } from "./rollup-fold";
import type { RollupsRepository } from "./rollups-repo";

/** Where a level's pass starts: `base` is its watermark (the first bucket not rolled up), `start` its redo mark when earlier. */
export interface LevelSpan {
  base: number;
  start: number;
  redo: number | null;
  /** No watermark was stored yet (`base` came from `initial`). */
  fresh: boolean;
}

/**
 * A rollup level's watermark and redo mark in `store_meta` (SQLite's maintenance, the same
 * for every level): where a pass starts, how it moves the marks, and how a change to what
 * the level already rolled up asks for a redo.
 */
export class LevelMarks {
  constructor(
    private readonly meta: RollupsRepository,
    private readonly keys: { next: string; redo: string },
    readonly ms: number,
  ) {}

  next(): number | null {
    return this.meta.getNumber(this.keys.next);
  }

  /** The span a pass starts with; `initial` gives the watermark before the first pass (null: nothing to roll up yet). */
  span(initial: () => number | null): LevelSpan | null {
    const next = this.next();
    const base = next ?? initial();
    if (base === null) return null;
    const redo = this.meta.getNumber(this.keys.redo);
    return { base, start: redo === null ? base : Math.min(redo, base), redo, fresh: next === null };
  }

  /**
   * After a pass up to `target`: the watermark moves there (never back). The redo mark the
   * pass started from is done, or, with `redoGoesOn`, goes on from `target` while that is
   * behind the watermark; a redo asked for during the pass stays.
   */
  advance(span: LevelSpan, target: number, redoGoesOn: boolean): void {
    this.meta.setNumber(this.keys.next, Math.max(span.base, target));
    if (span.redo !== null && this.meta.getNumber(this.keys.redo) === span.redo) this.meta.setNumber(this.keys.redo, redoGoesOn && target < span.base ? target : null);
  }

  /** What the level rolled up at `ts` changed (a late snapshot, a finer level redone): the next pass redoes from its bucket. */
  ask(ts: number): void {
    const next = this.next();
    if (next === null || ts >= next) return;
    const b = bucketOf(ts, this.ms);
    const redo = this.meta.getNumber(this.keys.redo);
    if (redo === null || b < redo) this.meta.setNumber(this.keys.redo, b);
  }
}
