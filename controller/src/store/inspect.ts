import { accessSync, constants, existsSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrationsFolder } from "@meshfleet/migrations";
import { journalStatus, type JournalStatus } from "./sql/journal";

/** Whether better-sqlite3's native module loads (an install whose build script was blocked fails here). */
export function probeSqlite(): { ok: true; version: string } | { ok: false; error: string } {
  try {
    const db = new Database(":memory:");
    try {
      const row = db.prepare("select sqlite_version() as v").get() as { v: string };
      return { ok: true, version: row.v };
    } finally {
      db.close();
    }
  } catch (err) {
    return { ok: false, error: (err as Error).message.split("\n")[0] ?? String(err) };
  }
}

export interface DatabaseInspection extends JournalStatus {
  file: string;
  exists: boolean;
  /** The file (if it exists) and its folder (SQLite writes -wal and -shm files beside it) are writable by this process. */
  writable: boolean;
  /** What is not writable, when `writable` is false. */
  notWritable: string[];
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What `serve` would find at `file`, without changing it: the file is opened read-only
 * and never migrated. Drizzle applies the migrations stamped later than the newest row
 * of `__drizzle_migrations`, so that is what counts as pending here.
 */
export function inspectDatabase(file: string): DatabaseInspection {
  const dir = dirname(file);
  const exists = existsSync(file);
  const notWritable = [...(exists && !writable(file) ? [file] : []), ...(existsSync(dir) && !writable(dir) ? [dir] : []), ...(!existsSync(dir) ? [`${dir} (missing)`] : [])];
  const base = { file, exists, writable: notWritable.length === 0, notWritable };
  if (!exists) return { ...base, ...journalStatus(migrationsFolder, []) };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
    const rows = table ? (db.prepare("select created_at as at from __drizzle_migrations").all() as { at: number | string }[]) : [];
    return { ...base, ...journalStatus(migrationsFolder, rows.map((r) => Number(r.at))) };
  } finally {
    db.close();
  }
}
