import { is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as sqlite from "../schema/index";
import { derivePgTables } from "./derive";

/** Every SQLite table of `schema/`, by export name. */
export const sqliteTables: Readonly<Record<string, SQLiteTable>> = Object.fromEntries(Object.entries(sqlite).filter(([, v]) => is(v, SQLiteTable)));

/** The PostgreSQL tables, derived from the SQLite schema (the one source of truth). */
export const pgTables = derivePgTables(sqliteTables);

// One export per table, for drizzle-kit (`drizzle.pg.config.ts`); `derive.test.ts` checks none is missing.
export const {
  apiTokens,
  nodes,
  nodeMacs,
  nodeAddresses,
  nodeState,
  rawSnapshots,
  rawRecent,
  rawRecent1,
  rawRecent2,
  rawBlocks,
  rollupsMinute,
  rollupsMinuteHours,
  rollupsQuarter,
  rollupsHour,
  storeMeta,
  detectEvents,
  alerts,
  churnScores,
  detectState,
  convergenceIncidents,
  alertSilences,
  diagAudit,
  jobs,
  jobNodes,
  nodeWireless,
  nodeWirelessHistory,
  wireKeyframes,
} = pgTables;
