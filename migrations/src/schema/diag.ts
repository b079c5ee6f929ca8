import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Remote diagnostics: every request, who asked, what, when, and how it ended. */
export const diagAudit = sqliteTable(
  "diag_audit",
  {
    id: text("id").primaryKey(),
    node: text("node").notNull(),
    kind: text("kind").notNull(),
    /** The validated arguments (JSON). */
    args: text("args").notNull(),
    /** The API token's name (or "local" without API auth). */
    who: text("who").notNull(),
    requestedAt: integer("requested_at").notNull(),
    finishedAt: integer("finished_at"),
    /** running, done, refused, timeout, failed */
    result: text("result").notNull(),
    exitCode: integer("exit_code"),
    /** The argv the node ran (JSON), when it accepted. */
    argv: text("argv"),
    error: text("error"),
  },
  (t) => [index("diag_audit_node_idx").on(t.node, t.requestedAt), index("diag_audit_requested_idx").on(t.requestedAt)],
);
