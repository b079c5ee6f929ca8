import Database from "better-sqlite3";
import { NEW_DATABASE_PAGE_SIZE } from "@meshfleet/controller";

export interface BareRow {
  node: string;
  ts: number;
  data: string;
}

/**
 * The same-run ceiling of controller-disk: the packed rows inserted into a bare table (no
 * index, no state, no maintenance) with the same commits, the store's page size and
 * pragmas, then checkpointed. Returns the bytes this process wrote for it.
 */
export function bareTableCeiling(file: string, commits: readonly BareRow[][], writeBytes: (pid: "self") => number): number {
  const db = new Database(file);
  try {
    db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec("CREATE TABLE raw (node TEXT NOT NULL, ts INTEGER NOT NULL, data TEXT NOT NULL)");
    const ins = db.prepare("INSERT INTO raw (node, ts, data) VALUES (?, ?, ?)");
    const tx = db.transaction((rows: readonly BareRow[]) => {
      for (const r of rows) ins.run(r.node, r.ts, r.data);
    });
    const w0 = writeBytes("self");
    for (const c of commits) tx(c);
    db.pragma("wal_checkpoint(TRUNCATE)");
    return writeBytes("self") - w0;
  } finally {
    db.close();
  }
}
