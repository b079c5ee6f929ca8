import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Core storage: the fleet's nodes, their current state, raw telemetry and rollups.
 * Time is integer milliseconds since the epoch everywhere.
 *
 * Raw samples are stored compactly: ONE row per accepted snapshot, holding a packed JSON
 * document (arrays of fixed-order tuples, format version in `fmt`) with the station,
 * mesh path, neighbour, route and counter samples of that snapshot. At 5,000 snapshots/s
 * one row per sample would be ~300,000 rows/s plus their indexes, which SQLite on a small
 * machine cannot sustain; one row per snapshot keeps the write rate at 5,000 rows/s.
 * Once a 30-minute window is closed and rolled up, maintenance moves its rows into one
 * compressed block per node (`raw_blocks`, ~20-60 bytes per snapshot instead of ~4 KB).
 * Rollups are packed the same way: one row per node and bucket with every series'
 * [min, max, sum, count].
 */

/** Every node the controller has heard from (hello or snapshot). */
export const nodes = sqliteTable("nodes", {
  id: text("id").primaryKey(),
  firstSeen: integer("first_seen").notNull(),
  /** Receive time (controller clock) of the last hello or snapshot. */
  lastSeen: integer("last_seen").notNull(),
  lastHelloAt: integer("last_hello_at"),
  lastBoot: text("last_boot"),
  agentVersion: text("agent_version"),
  protocolVersion: integer("protocol_version"),
  /** JSON array of capability names. */
  capabilities: text("capabilities").notNull().default("[]"),
  mode: text("mode"),
  hostname: text("hostname"),
  boardName: text("board_name"),
  model: text("model"),
  release: text("release"),
  intervalMs: integer("interval_ms"),
  /** JSON array of tags. */
  tags: text("tags").notNull().default("[]"),
  /** The last hello, as received (validated JSON). */
  hello: text("hello"),
});

/** MAC -> node, from the interfaces announced in hellos. */
export const nodeMacs = sqliteTable(
  "node_macs",
  {
    mac: text("mac").primaryKey(),
    nodeId: text("node_id").notNull(),
    iface: text("iface").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("node_macs_node_idx").on(t.nodeId)],
);

/** Link-local addresses per node and interface, from hellos. */
export const nodeAddresses = sqliteTable(
  "node_addresses",
  {
    nodeId: text("node_id").notNull(),
    iface: text("iface").notNull(),
    address: text("address").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.iface, t.address] }), index("node_addresses_address_idx").on(t.address)],
);

/** The latest accepted snapshot per node: identity, counts and a pointer to its raw row. */
export const nodeState = sqliteTable("node_state", {
  nodeId: text("node_id").primaryKey(),
  ts: integer("ts").notNull(),
  receivedAt: integer("received_at").notNull(),
  boot: text("boot").notNull(),
  seq: integer("seq").notNull(),
  intervalMs: integer("interval_ms").notNull(),
  rawId: integer("raw_id").notNull(),
  stations: integer("stations").notNull(),
  peers: integer("peers").notNull(),
  meshPaths: integer("mesh_paths").notNull(),
  neighbors: integer("neighbors").notNull(),
  routes: integer("routes").notNull(),
  counters: integer("counters").notNull(),
  /** Collector errors in the latest snapshot. */
  errors: integer("errors").notNull(),
  /** Total snapshots the agent reported as dropped from its outage buffer. */
  droppedTotal: integer("dropped_total").notNull().default(0),
});

/**
 * Raw telemetry, one row per accepted snapshot. `(node, boot, seq)` is unique: the
 * ingest's duplicate filter (`INSERT OR IGNORE`).
 */
export const rawSnapshots = sqliteTable(
  "raw_snapshots",
  {
    id: integer("id").primaryKey(),
    nodeId: text("node_id").notNull(),
    boot: text("boot").notNull(),
    seq: integer("seq").notNull(),
    ts: integer("ts").notNull(),
    receivedAt: integer("received_at").notNull(),
    /** Packing format version of `data`. */
    fmt: integer("fmt").notNull(),
    data: text("data").notNull(),
  },
  (t) => [
    uniqueIndex("raw_snapshots_dedupe_idx").on(t.nodeId, t.boot, t.seq),
    index("raw_snapshots_node_ts_idx").on(t.nodeId, t.ts),
    index("raw_snapshots_ts_idx").on(t.ts),
  ],
);

/**
 * Recent raw telemetry in the SQLite store, one row per accepted snapshot, until
 * maintenance moves its closed window into `raw_blocks`. Written so that a commit touches
 * as few pages as it can (an SD card's writes): rows are appended in arrival order, the one
 * index leads with `ts` (new entries of every node land on the same last page; a node's
 * rows are found by a scan of the time range, filtered inside the index), and most rows are
 * a delta against the node's first full row of the same 30-minute window (`base_id`; null
 * for a full row). `(node, boot, seq)` is looked up by `(ts, node)` (a snapshot's ts is
 * part of its identity). The PostgreSQL store keeps every raw row in `raw_snapshots`.
 *
 * Three tables of this shape (`raw_recent`, `raw_recent_1`, `raw_recent_2`) are slots: a
 * row goes into the slot of its 30-minute window (window number mod 3), so that once a
 * window is packed into blocks its slot is emptied by one `DELETE` without a `WHERE`, which
 * frees its pages without writing them; deleting the rows one by one wrote ~0.6 pages per
 * page freed. Ids are unique across the slots; a row that must stay is moved, with its id.
 */
const rawRecentColumns = () => ({
  id: integer("id").primaryKey(),
  nodeId: text("node_id").notNull(),
  boot: text("boot").notNull(),
  seq: integer("seq").notNull(),
  ts: integer("ts").notNull(),
  receivedAt: integer("received_at").notNull(),
  /** The full row this one is a delta against (same node and window), or null. */
  baseId: integer("base_id"),
  /** Packing format version of `data` (with flags: deflated, delta). */
  fmt: integer("fmt").notNull(),
  data: blob("data", { mode: "buffer" }).notNull(),
});

export const rawRecent = sqliteTable("raw_recent", rawRecentColumns(), (t) => [index("raw_recent_ts_node_idx").on(t.ts, t.nodeId)]);
export const rawRecent1 = sqliteTable("raw_recent_1", rawRecentColumns(), (t) => [index("raw_recent_1_ts_node_idx").on(t.ts, t.nodeId)]);
export const rawRecent2 = sqliteTable("raw_recent_2", rawRecentColumns(), (t) => [index("raw_recent_2_ts_node_idx").on(t.ts, t.nodeId)]);

/**
 * Closed windows of raw telemetry, one row per node and window: the window's raw rows,
 * compressed together (controller/src/store/raw-block.ts), moved here from
 * `raw_snapshots` by maintenance once rolled up. Reads merge both tables; retention drops
 * whole blocks. `min_id`/`max_id` bound the `raw_snapshots` ids of the rows it holds.
 */
export const rawBlocks = sqliteTable(
  "raw_blocks",
  {
    nodeId: text("node_id").notNull(),
    /** Window start (ms, aligned to the window width). */
    start: integer("start").notNull(),
    /** Block format version of `data`. */
    fmt: integer("fmt").notNull(),
    rows: integer("rows").notNull(),
    minId: integer("min_id").notNull(),
    maxId: integer("max_id").notNull(),
    data: blob("data", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.start] }), index("raw_blocks_start_idx").on(t.start)],
);

/**
 * Per-minute rollups: one row per node and minute, `data` = {series: [min, max, sum, count]}
 * as JSON, deflated (a blob; rows written before compression are JSON text).
 */
export const rollupsMinute = sqliteTable(
  "rollups_minute",
  {
    nodeId: text("node_id").notNull(),
    bucket: integer("bucket").notNull(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.bucket] }), index("rollups_minute_bucket_idx").on(t.bucket)],
);

/**
 * SQLite's minute rollups of a closed hour: one row per node and hour (`bucket` = the hour's
 * start), `data` = the hour's minutes in one row (`rollup-hour-codec.ts` in the controller),
 * written once when the hour is complete. The open hour's minutes are computed from the raw
 * rows (`rollups_minute` holds only minutes whose raw rows retention dropped before their
 * hour closed, and rows written before this table). PostgreSQL keeps `rollups_minute`.
 */
export const rollupsMinuteHours = sqliteTable(
  "rollups_minute_hours",
  {
    nodeId: text("node_id").notNull(),
    bucket: integer("bucket").notNull(),
    data: blob("data", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.bucket] }), index("rollups_minute_hours_bucket_idx").on(t.bucket)],
);

/**
 * Per-quarter-hour rollups (folded from the minute rollups), same shape: a long range at a
 * few minutes' step reads 15 times fewer rows than from the minutes.
 */
export const rollupsQuarter = sqliteTable(
  "rollups_quarter",
  {
    nodeId: text("node_id").notNull(),
    bucket: integer("bucket").notNull(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.bucket] }), index("rollups_quarter_bucket_idx").on(t.bucket)],
);

/** Per-hour rollups, same shape as the minute rollups. */
export const rollupsHour = sqliteTable(
  "rollups_hour",
  {
    nodeId: text("node_id").notNull(),
    bucket: integer("bucket").notNull(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.bucket] }), index("rollups_hour_bucket_idx").on(t.bucket)],
);

/** Small key/value state of the store (rollup watermarks). */
export const storeMeta = sqliteTable("store_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
