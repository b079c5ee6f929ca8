import type { SqlDb } from "./sql-db";

/**
 * The few places where SQLite and PostgreSQL spell the same thing differently, each a named
 * helper so that a repository's SQL is written once (`sql-db.ts`) and reads the same on both.
 */
type Dialect = SqlDb["dialect"];

/** The larger of two values: SQLite's scalar `max(a, b)`, PostgreSQL's `greatest(a, b)`. */
export const greatest = (d: Dialect, a: string, b: string): string => (d === "sqlite" ? `max(${a}, ${b})` : `greatest(${a}, ${b})`);

/**
 * A text expression compared byte by byte, as SQLite's default (BINARY) collation does:
 * PostgreSQL's database collation may sort `ap-10` and `AP-2` otherwise, so its order
 * gets `COLLATE "C"`. Use it in `ORDER BY` and in `>`/`<` on text keys.
 */
export const bytewise = (d: Dialect, expr: string): string => (d === "sqlite" ? expr : `${expr} COLLATE "C"`);

/**
 * The row's physical position, to take the row written last among equals (`ORDER BY ... DESC`):
 * SQLite's `rowid`, PostgreSQL's `ctid`.
 */
export const physicalOrder = (d: Dialect): string => (d === "sqlite" ? "rowid" : "ctid");
