import type { Database, Statement } from "better-sqlite3";

/** A keyframe as it came on the wire. */
export interface StoredKeyframe {
  nodeId: string;
  boot: string;
  seq: number;
  streamSeq: number;
  subject: string;
  data: Uint8Array;
}

const COLS = "node_id AS nodeId, boot, seq, stream_seq AS streamSeq, subject, data";

/**
 * The last `keep` keyframes of each node (`wire_keyframes`), so that deltas decode after
 * their keyframe left the telemetry stream (a controller restart; a hub whose copy of a
 * site's message has another stream sequence).
 */
export class KeyframesRepository {
  private readonly s: Record<"put" | "prune" | "byStream" | "bySnapshot", Statement>;

  constructor(
    db: Database,
    private readonly keep = 3,
  ) {
    this.s = {
      put: db.prepare(
        "INSERT INTO wire_keyframes (node_id, boot, seq, stream_seq, subject, data) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (node_id, boot, seq) DO UPDATE SET stream_seq = excluded.stream_seq, subject = excluded.subject, data = excluded.data",
      ),
      // Keeps the node's newest keyframes by stream order.
      prune: db.prepare("DELETE FROM wire_keyframes WHERE node_id = ? AND stream_seq < (SELECT min(stream_seq) FROM (SELECT stream_seq FROM wire_keyframes WHERE node_id = ? ORDER BY stream_seq DESC LIMIT ?))"),
      byStream: db.prepare(`SELECT ${COLS} FROM wire_keyframes WHERE stream_seq = ? AND subject = ? ORDER BY rowid DESC LIMIT 1`),
      bySnapshot: db.prepare(`SELECT ${COLS} FROM wire_keyframes WHERE node_id = ? AND boot = ? AND seq = ?`),
    };
  }

  put(k: StoredKeyframe): void {
    this.s.put.run(k.nodeId, k.boot, k.seq, k.streamSeq, k.subject, Buffer.from(k.data.buffer, k.data.byteOffset, k.data.byteLength));
    this.s.prune.run(k.nodeId, k.nodeId, this.keep);
  }

  /** The keyframe stored at this stream sequence on this subject. */
  byStreamSeq(streamSeq: number, subject: string): StoredKeyframe | null {
    return (this.s.byStream.get(streamSeq, subject) as StoredKeyframe | undefined) ?? null;
  }

  /** The keyframe of this node, boot and snapshot seq. */
  bySnapshot(nodeId: string, boot: string, seq: number): StoredKeyframe | null {
    return (this.s.bySnapshot.get(nodeId, boot, seq) as StoredKeyframe | undefined) ?? null;
  }
}
