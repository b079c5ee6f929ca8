import type { SqlDb } from "./sql/sql-db";
import { physicalOrder } from "./sql/dialect";
import type { KeyframesStore } from "./store-api";

/** A keyframe as it came on the wire. */
export interface StoredKeyframe {
  nodeId: string;
  boot: string;
  seq: number;
  streamSeq: number;
  subject: string;
  data: Uint8Array;
}

const COLS = `node_id AS "nodeId", boot, seq, stream_seq AS "streamSeq", subject, data`;

/**
 * The last `keep` keyframes of each node (`wire_keyframes`), so that deltas decode after
 * their keyframe left the telemetry stream (a controller restart; a hub whose copy of a
 * site's message has another stream sequence). Written once for both databases.
 */
export class KeyframesRepository implements KeyframesStore {
  constructor(
    private readonly db: SqlDb,
    private readonly keep = 3,
  ) {}

  async put(k: StoredKeyframe): Promise<void> {
    await this.db.run(
      `INSERT INTO wire_keyframes (node_id, boot, seq, stream_seq, subject, data) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (node_id, boot, seq) DO UPDATE SET stream_seq = excluded.stream_seq, subject = excluded.subject, data = excluded.data`,
      [k.nodeId, k.boot, k.seq, k.streamSeq, k.subject, Buffer.from(k.data.buffer, k.data.byteOffset, k.data.byteLength)],
    );
    // Keeps the node's newest keyframes by stream order.
    await this.db.run(
      `DELETE FROM wire_keyframes WHERE node_id = $1 AND stream_seq < (SELECT min(stream_seq) FROM (SELECT stream_seq FROM wire_keyframes
        WHERE node_id = $1 ORDER BY stream_seq DESC LIMIT $2) AS newest)`,
      [k.nodeId, this.keep],
    );
  }

  /** The keyframe stored at this stream sequence on this subject (the latest written wins). */
  async byStreamSeq(streamSeq: number, subject: string): Promise<StoredKeyframe | null> {
    const [r] = await this.db.query<StoredKeyframe>(`SELECT ${COLS} FROM wire_keyframes WHERE stream_seq = $1 AND subject = $2 ORDER BY ${physicalOrder(this.db.dialect)} DESC LIMIT 1`, [
      streamSeq,
      subject,
    ]);
    return r ?? null;
  }

  /** The keyframe of this node, boot and snapshot seq. */
  async bySnapshot(nodeId: string, boot: string, seq: number): Promise<StoredKeyframe | null> {
    const [r] = await this.db.query<StoredKeyframe>(`SELECT ${COLS} FROM wire_keyframes WHERE node_id = $1 AND boot = $2 AND seq = $3`, [nodeId, boot, seq]);
    return r ?? null;
  }
}
