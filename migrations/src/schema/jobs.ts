import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Configuration jobs: one row per job, one row per (job, node) with the node's state
 * and timings, and the latest wireless config each node reported (what the planner
 * renders and diffs against). Everything the rollout needs after a controller restart
 * lives here. Time is integer milliseconds since the epoch.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    description: text("description").notNull(),
    template: text("template").notNull(),
    /** JSON; secrets (Wi-Fi keys) masked. */
    params: text("params").notNull(),
    target: text("target").notNull(),
    /** JSON JobVerify sent to the agents. */
    verify: text("verify").notNull(),
    expiresAt: integer("expires_at").notNull(),
    /** running | halted | cancelled | completed | expired (also inside `rollout`, here for queries). */
    status: text("status").notNull(),
    /** JSON rollout state without the nodes: policy, batch, pause, failure base, reason. */
    rollout: text("rollout").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("jobs_status_idx").on(t.status), index("jobs_created_idx").on(t.createdAt)],
);

export const jobNodes = sqliteTable(
  "job_nodes",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    position: integer("position").notNull(),
    batch: integer("batch").notNull(),
    state: text("state").notNull(),
    /** JSON UciOp[] as delivered (holds secrets; never returned by the API). */
    ops: text("ops").notNull(),
    /** JSON Reload[]. */
    reloads: text("reloads").notNull(),
    /** reported | baseline: what the plan was computed on. */
    basis: text("basis").notNull(),
    attempts: integer("attempts").notNull().default(0),
    firstSentAt: integer("first_sent_at"),
    lastSentAt: integer("last_sent_at"),
    receivedAt: integer("received_at"),
    appliedAt: integer("applied_at"),
    finishedAt: integer("finished_at"),
    lastStatusAt: integer("last_status_at"),
    reason: text("reason"),
    step: text("step"),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.nodeId] }), index("job_nodes_node_state_idx").on(t.nodeId, t.state)],
);

/** The latest wireless config (radios, interfaces; keys as fingerprints) each node reported. */
export const nodeWireless = sqliteTable("node_wireless", {
  nodeId: text("node_id").primaryKey(),
  ts: integer("ts").notNull(),
  /** JSON WirelessConfig. */
  config: text("config").notNull(),
});

/**
 * Each node's wireless config over time: a row when a snapshot reports a config that
 * differs from the node's latest (so a window can be judged by the config of its time,
 * e.g. 802.11r before and after a roaming job). Seeded from `node_wireless` on upgrade.
 */
export const nodeWirelessHistory = sqliteTable(
  "node_wireless_history",
  {
    nodeId: text("node_id").notNull(),
    /** The snapshot's time (agent clock, ms) that first reported this config. */
    ts: integer("ts").notNull(),
    /** JSON WirelessConfig. */
    config: text("config").notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.ts] })],
);
