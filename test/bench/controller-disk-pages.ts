import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import Database from "better-sqlite3";

/**
 * Where a run's writes went, read from the SQLite WAL while the run goes on (the store runs
 * with wal_autocheckpoint = 0, so the WAL only grows): `take(phase)` reads the frames
 * appended since the last call and charges each to `phase` ("ingest", "maintenance") and to
 * the table or index owning its page right then (dbstat; page 1 as "header", pages no table
 * owns as "free"). Frames, not distinct pages: each frame is a page one commit wrote. The
 * page sequence also gives what checkpoints would have written (`checkpointPages`).
 */
export class WalProfile {
  /** Frames per `phase table`. */
  readonly frames = new Map<string, number>();
  /** Commits per phase. */
  readonly commits = new Map<string, number>();
  pageSize = 0;
  private off = 32;
  private readonly seq: { page: number; commit: boolean }[] = [];
  private readonly db: Database.Database;

  constructor(private readonly file: string) {
    this.db = new Database(file, { readonly: true });
  }

  take(phase: string, measured = true): void {
    const fd = openSync(`${this.file}-wal`, "r");
    try {
      const size = fstatSync(fd).size;
      if (size <= this.off) return;
      const buf = Buffer.alloc(size - this.off + 32);
      readSync(fd, buf, 0, 32, 0);
      if (this.pageSize === 0) this.pageSize = buf.readUInt32BE(8);
      const frame = 24 + this.pageSize;
      const n = Math.floor((size - this.off) / frame);
      if (n === 0) return;
      readSync(fd, buf, 0, n * frame, this.off);
      this.off += n * frame;
      const owner = new Map<number, string>();
      for (const r of this.db.prepare("SELECT name, pageno FROM dbstat").all() as { name: string; pageno: number }[]) owner.set(r.pageno, r.name);
      for (let i = 0; i < n; i++) {
        const page = buf.readUInt32BE(i * frame);
        const commit = buf.readUInt32BE(i * frame + 4) !== 0;
        if (!measured) continue;
        this.seq.push({ page, commit });
        const key = `${phase} ${page === 1 ? "header" : (owner.get(page) ?? "free")}`;
        this.frames.set(key, (this.frames.get(key) ?? 0) + 1);
        if (commit) this.commits.set(phase, (this.commits.get(phase) ?? 0) + 1);
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Measured frames in all. */
  get total(): number {
    return this.seq.length;
  }

  /**
   * Pages the checkpoints would have copied into the database file with wal_autocheckpoint
   * = `n`: after each commit that leaves >= n frames in the WAL, every distinct page in it.
   */
  checkpointPages(n: number): number {
    let pages = 0;
    let frames = 0;
    const distinct = new Set<number>();
    for (const f of this.seq) {
      distinct.add(f.page);
      frames++;
      if (f.commit && frames >= n) {
        pages += distinct.size;
        distinct.clear();
        frames = 0;
      }
    }
    return pages + distinct.size;
  }

  close(): void {
    this.db.close();
  }
}
