import { blob, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The last keyframes (deflated snapshots) of each node, as they came on the wire. A delta
 * names its keyframe; the telemetry stream forgets a message once it is acknowledged, so
 * a controller that restarts, or a hub that received the keyframe sourced from a site's
 * leaf under another stream sequence, finds it here. A few per node are kept.
 */
export const wireKeyframes = sqliteTable(
  "wire_keyframes",
  {
    nodeId: text("node_id").notNull(),
    boot: text("boot").notNull(),
    seq: integer("seq").notNull(),
    /** The keyframe's sequence in this controller's telemetry stream. */
    streamSeq: integer("stream_seq").notNull(),
    subject: text("subject").notNull(),
    /** The message as received (deflated JSON). */
    data: blob("data", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.boot, t.seq] }), index("wire_keyframes_stream_idx").on(t.streamSeq)],
);
