import { getTableColumns, is } from "drizzle-orm";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pgExports from "./index";
import { PG_TYPE_OVERRIDES } from "./derive";

const { sqliteTables, pgTables } = pgExports;

/** What both dialects must agree on, per table. */
function shape(cfg: ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>, columns: Record<string, { name: string; notNull: boolean; primary: boolean; default: unknown; isUnique: boolean }>) {
  return {
    name: cfg.name,
    columns: Object.entries(columns).map(([key, c]) => ({ key, name: c.name, notNull: c.notNull, primary: c.primary, default: c.default, unique: c.isUnique })),
    indexes: cfg.indexes.map((i) => ({ name: i.config.name, unique: i.config.unique, columns: i.config.columns.map((c) => (c as { name: string }).name) })).sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1)),
    primaryKeys: cfg.primaryKeys.map((k) => k.columns.map((c) => c.name)),
    foreignKeys: cfg.foreignKeys.map((f) => {
      const r = f.reference();
      return { columns: r.columns.map((c) => c.name), table: (r.foreignTable as unknown as { [k: symbol]: string })[Symbol.for("drizzle:Name")], foreign: r.foreignColumns.map((c) => c.name), onDelete: f.onDelete };
    }),
  };
}

describe("PostgreSQL tables derived from the SQLite schema", () => {
  it("has a twin for every SQLite table, column for column: names, nullability, keys, defaults, uniqueness, indexes", () => {
    expect(Object.keys(sqliteTables).length).toBe(27);
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(sqliteTables).sort());
    for (const [key, t] of Object.entries(sqliteTables)) {
      const p = pgTables[key]!;
      expect(shape(pgConfig(p), getTableColumns(p)), key).toEqual(shape(sqliteConfig(t), getTableColumns(t)));
    }
  });

  it("maps each SQLite type to one PostgreSQL type (64-bit integers: times are milliseconds)", () => {
    const pairs = new Set<string>();
    for (const [key, t] of Object.entries(sqliteTables)) {
      const pg = getTableColumns(pgTables[key]!);
      for (const [k, c] of Object.entries(getTableColumns(t))) pairs.add(`${PG_TYPE_OVERRIDES[sqliteConfig(t).name]?.[c.name] ? "override " : ""}${c.columnType} -> ${pg[k]!.getSQLType()}`);
    }
    expect([...pairs].sort()).toEqual([
      "SQLiteBlobBuffer -> bytea",
      "SQLiteBoolean -> boolean",
      "SQLiteInteger -> bigint",
      "SQLiteReal -> double precision",
      "SQLiteText -> text",
      "override SQLiteText -> bytea",
    ]);
  });

  it("exports every derived table by name, for drizzle-kit", () => {
    const exported = Object.entries(pgExports).filter(([, v]) => is(v, PgTable));
    expect(exported.map(([k]) => k).sort()).toEqual(Object.keys(sqliteTables).sort());
    for (const [k, v] of exported) expect(v).toBe(pgTables[k]);
  });
});
