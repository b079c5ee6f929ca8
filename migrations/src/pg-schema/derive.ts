import { getTableColumns, type AnyColumn } from "drizzle-orm";
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type PgColumn,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
} from "drizzle-orm/pg-core";

/** Bytes (`Buffer`): SQLite's blob. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/**
 * Columns whose PostgreSQL type is not what their SQLite declaration says: the rollups'
 * `data` is declared text but holds deflated JSON (SQLite stores any value in any column),
 * which PostgreSQL only keeps as bytes.
 */
export const PG_TYPE_OVERRIDES: Readonly<Record<string, Readonly<Record<string, "bytea">>>> = {
  rollups_minute: { data: "bytea" },
  rollups_quarter: { data: "bytea" },
  rollups_hour: { data: "bytea" },
};

/** A derived table: its columns are known at run time (the store queries it in SQL, drizzle-kit reads it). */
export type DerivedPgTable = PgTableWithColumns<any>;

/** The PostgreSQL type a SQLite column becomes (integers are milliseconds and counters: 64 bits). */
function pgColumn(table: string, c: SQLiteColumn): PgColumnBuilderBase {
  const kind = PG_TYPE_OVERRIDES[table]?.[c.name] ?? c.columnType;
  if (kind === "SQLiteInteger") {
    const b = bigint(c.name, { mode: "number" });
    // A single integer primary key is SQLite's rowid: numbered by the database.
    return c.primary ? b.primaryKey().generatedByDefaultAsIdentity() : finish(b, c);
  }
  if (kind === "SQLiteBoolean") return finish(boolean(c.name), c);
  if (kind === "SQLiteReal") return finish(doublePrecision(c.name), c);
  if (kind === "SQLiteText") return finish(text(c.name), c);
  if (kind === "SQLiteBlobBuffer" || kind === "bytea") return finish(bytea(c.name), c);
  throw new Error(`${table}.${c.name}: no PostgreSQL type for ${c.columnType}`);
}

interface Finishable {
  primaryKey(): unknown;
  notNull(): unknown;
  default(v: unknown): unknown;
  unique(name?: string): unknown;
}

function finish<B extends Finishable>(b: B, c: SQLiteColumn): B {
  if (c.primary) b.primaryKey();
  else if (c.notNull) b.notNull();
  if (c.hasDefault && c.default !== undefined) b.default(c.default);
  if (c.isUnique) b.unique(c.uniqueName);
  return b;
}

/**
 * The PostgreSQL twin of every SQLite table: same table, column, index and key names,
 * same nullability, defaults and uniqueness. The SQLite schema (`schema/*.ts`) is the one
 * source of truth; `derive.test.ts` checks the twins column for column.
 */
export function derivePgTables(tables: Readonly<Record<string, SQLiteTable>>): Record<string, DerivedPgTable> {
  const byName = new Map<string, DerivedPgTable>();
  const out: Record<string, DerivedPgTable> = {};
  for (const [key, t] of Object.entries(tables)) {
    const cfg = getTableConfig(t);
    const keyOf = new Map<string, string>(Object.entries(getTableColumns(t)).map(([k, c]) => [c.name, k]));
    const columns = Object.fromEntries(Object.entries(getTableColumns(t)).map(([k, c]) => [k, pgColumn(cfg.name, c as SQLiteColumn)]));
    const pg = pgTable(cfg.name, columns, (p) => {
      const col = (c: AnyColumn) => p[keyOf.get(c.name)!] as PgColumn;
      return [
        ...cfg.indexes.map((i) => {
          const cols = i.config.columns.map((c) => col(c as AnyColumn)) as [PgColumn, ...PgColumn[]];
          return (i.config.unique ? uniqueIndex(i.config.name) : index(i.config.name)).on(...cols);
        }),
        ...cfg.primaryKeys.map((k) => primaryKey({ columns: k.columns.map(col) as [PgColumn, ...PgColumn[]] })),
        ...cfg.foreignKeys.map((f) => {
          const r = f.reference();
          const target = byName.get(getTableConfig(r.foreignTable).name)!;
          const targetKey = new Map(Object.entries(getTableColumns(r.foreignTable)).map(([k, c]) => [c.name, k]));
          const fk = foreignKey({
            name: f.getName(),
            columns: r.columns.map(col) as [PgColumn, ...PgColumn[]],
            foreignColumns: r.foreignColumns.map((c) => target[targetKey.get(c.name)!] as PgColumn) as [PgColumn, ...PgColumn[]],
          });
          return f.onDelete ? fk.onDelete(f.onDelete) : fk;
        }),
      ];
    });
    byName.set(cfg.name, pg);
    out[key] = pg;
  }
  return out;
}
