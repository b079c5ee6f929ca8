import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Detection and alerting: events derived from consecutive snapshots, alerts with their
 * lifecycle and evidence, churn scores and detector state (so a restarted controller
 * continues where it stopped), convergence incidents. Time is integer ms since the epoch.
 */

/** One detected change (`route_nexthop_changed`, `neighbor_down`, ...), with before/after values. */
export const detectEvents = sqliteTable(
  "detect_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ts: integer("ts").notNull(),
    node: text("node").notNull(),
    code: text("code").notNull(),
    subject: text("subject").notNull(),
    /** JSON of the value before / after (null when absent). */
    before: text("before"),
    after: text("after"),
    /** JSON of the event's other fields (prefix, dest, gapMs, ...). */
    data: text("data").notNull().default("{}"),
  },
  (t) => [index("detect_events_ts_idx").on(t.ts), index("detect_events_node_ts_idx").on(t.node, t.ts), index("detect_events_code_ts_idx").on(t.code, t.ts), index("detect_events_subject_ts_idx").on(t.subject, t.ts)],
);

/** Alerts: one open alert per (code, subject); resolved ones stay as history. */
export const alerts = sqliteTable(
  "alerts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    subject: text("subject").notNull(),
    node: text("node"),
    severity: text("severity").notNull(),
    state: text("state").notNull(),
    openedAt: integer("opened_at").notNull(),
    resolvedAt: integer("resolved_at"),
    updatedAt: integer("updated_at").notNull(),
    summary: text("summary").notNull(),
    /** JSON `{eventIds, scores, detail}`. */
    evidence: text("evidence").notNull(),
    /** JSON `{what, where, since, why, evidence, check}`: the alert in words. */
    text: text("text"),
    /** Acknowledged by (token name) and when. */
    ackBy: text("ack_by"),
    ackAt: integer("ack_at"),
    /** A silence or maintenance window covered it when it opened: recorded, not notified. */
    silencedBy: integer("silenced_by"),
  },
  (t) => [index("alerts_code_subject_state_idx").on(t.code, t.subject, t.state), index("alerts_state_opened_idx").on(t.state, t.openedAt), index("alerts_node_idx").on(t.node, t.openedAt)],
);

/** Churn score per subject (route, mesh path, neighbour), as of `ts`. */
export const churnScores = sqliteTable(
  "churn_scores",
  {
    subject: text("subject").primaryKey(),
    kind: text("kind").notNull(),
    node: text("node").notNull(),
    link: text("link"),
    score: real("score").notNull(),
    ts: integer("ts").notNull(),
    flapping: integer("flapping", { mode: "boolean" }).notNull(),
    /** JSON `[{ts, score}]` and `[eventId]`. */
    history: text("history").notNull(),
    eventIds: text("event_ids").notNull(),
  },
  (t) => [index("churn_scores_node_idx").on(t.node)],
);

/** Detector state by key (`node:<id>`, `presence`, `stations`, `convergence`), JSON. */
export const detectState = sqliteTable("detect_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Convergence incidents: from a neighbour loss until every affected routing table was quiet. */
export const convergenceIncidents = sqliteTable(
  "convergence_incidents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    startTs: integer("start_ts").notNull(),
    endTs: integer("end_ts").notNull(),
    durationMs: integer("duration_ms").notNull(),
    /** JSON array of node ids. */
    nodes: text("nodes").notNull(),
    /** JSON `{code, node, subject, ts}` of the loss that opened it. */
    trigger: text("trigger").notNull(),
    eventIds: text("event_ids").notNull(),
    changes: integer("changes").notNull(),
  },
  (t) => [index("convergence_incidents_start_idx").on(t.startTs)],
);

/** Silences and maintenance windows: alerts matching node/code/subject (null: any) between fromTs and untilTs are recorded but not notified. */
export const alertSilences = sqliteTable(
  "alert_silences",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    node: text("node"),
    code: text("code"),
    subject: text("subject"),
    fromTs: integer("from_ts").notNull(),
    untilTs: integer("until_ts").notNull(),
    reason: text("reason").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("alert_silences_until_idx").on(t.untilTs)],
);
