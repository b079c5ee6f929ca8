import type Database from "better-sqlite3";

/**
 * A dialect-neutral handle on the store's database, for the feature repositories
 * (detection, alerts, jobs, tokens, diagnostics audit): each is written once against it in
 * the SQL both SQLite and PostgreSQL accept (`$1`... placeholders, `ON CONFLICT ... DO
 * UPDATE`, `RETURNING`), and runs on either store. Statements made inside
 * `store.transaction(fn)` belong to that transaction.
 */
export interface SqlDb {
  readonly dialect: "sqlite" | "postgres";
  /** The rows of one statement. */
  query<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** How many rows one statement changed. */
  run(text: string, values?: readonly unknown[]): Promise<number>;
}

/** A boolean column as read from either database (SQLite returns 0/1). */
export const bool = (v: unknown): boolean => v === true || v === 1;

/** `$1`... placeholders become SQLite's positional `?`, with the values in the order they appear. */
export function positional(text: string): { text: string; order: number[] } {
  const order: number[] = [];
  const out = text.replace(/\$(\d+)/g, (_m, n: string) => {
    order.push(Number(n) - 1);
    return "?";
  });
  return { text: out, order };
}

/** The SQLite store's handle: better-sqlite3 statements (prepared once per text), synchronous underneath; `wrote()` after each statement that writes. */
export function sqliteSql(sqlite: Database.Database, wrote: () => void = () => undefined): SqlDb {
  const cache = new Map<string, { stmt: Database.Statement; order: number[] }>();
  const prepare = (text: string, values: readonly unknown[]) => {
    let c = cache.get(text);
    if (!c) {
      const p = positional(text);
      c = { stmt: sqlite.prepare(p.text), order: p.order };
      cache.set(text, c);
    }
    const args = c.order.map((i) => {
      const v = values[i];
      return typeof v === "boolean" ? Number(v) : v;
    });
    return { stmt: c.stmt, args };
  };
  return {
    dialect: "sqlite",
    query<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
      try {
        const { stmt, args } = prepare(text, values);
        const rows = (stmt.reader ? stmt.all(...args) : (stmt.run(...args), [])) as R[];
        if (!stmt.readonly) wrote();
        return Promise.resolve(rows);
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    run(text: string, values: readonly unknown[] = []): Promise<number> {
      try {
        const { stmt, args } = prepare(text, values);
        const n = stmt.run(...args).changes;
        if (!stmt.readonly) wrote();
        return Promise.resolve(n);
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
  };
}

/** Placeholders for a statement built piece by piece: `p(v)` adds a value and returns its `$n`. */
export function params(): { values: unknown[]; p: (v: unknown) => string } {
  const values: unknown[] = [];
  return {
    values,
    p: (v) => {
      values.push(v);
      return `$${values.length}`;
    },
  };
}

/** ` WHERE a AND b` (or nothing). */
export const where = (clauses: readonly string[]): string => (clauses.length > 0 ? ` WHERE ${clauses.join(" AND ")}` : "");

/** Values per statement at most: below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const MAX_VALUES = 30_000;
/** Rows per statement at most (keeps the statement texts, and SQLite's cache of them, few). */
const MAX_ROWS = 500;

/**
 * Multi-row `VALUES` for either database: the rows split into statements of at most
 * `MAX_ROWS` rows (and `MAX_VALUES` values), each as its `($1, $2), ($3, $4)` text and its
 * values. One round trip per chunk instead of one per row.
 */
export function valueChunks(rows: readonly (readonly unknown[])[]): { sql: string; values: unknown[] }[] {
  const out: { sql: string; values: unknown[] }[] = [];
  const width = rows[0]?.length ?? 1;
  const per = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_VALUES / width)));
  for (let k = 0; k < rows.length; k += per) {
    const { values, p } = params();
    const sql = rows
      .slice(k, k + per)
      .map((r) => `(${r.map(p).join(", ")})`)
      .join(", ");
    out.push({ sql, values });
  }
  return out;
}

/** `IN (...)` lists for either database: the values split like `valueChunks`, each as its `$1, $2` text and its values. */
export function listChunks(list: readonly unknown[]): { sql: string; values: unknown[] }[] {
  const out: { sql: string; values: unknown[] }[] = [];
  for (let k = 0; k < list.length; k += MAX_ROWS) {
    const { values, p } = params();
    out.push({ sql: list.slice(k, k + MAX_ROWS).map(p).join(", "), values });
  }
  return out;
}
