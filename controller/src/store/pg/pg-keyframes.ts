import type { StoredKeyframe } from "../keyframes-repo";
import type { KeyframesStore } from "../store-api";
import type { PgDb } from "./pg-db";

const COLS = `node_id AS "nodeId", boot, seq, stream_seq AS "streamSeq", subject, data`;

/** The last `keep` keyframes of each node, on PostgreSQL (the twin of `keyframes-repo.ts`). */
export class PgKeyframes implements KeyframesStore {
  constructor(
    private readonly db: PgDb,
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

  async byStreamSeq(streamSeq: number, subject: string): Promise<StoredKeyframe | null> {
    // The latest written wins, as SQLite's rowid order does.
    const [r] = await this.db.query<StoredKeyframe>(`SELECT ${COLS} FROM wire_keyframes WHERE stream_seq = $1 AND subject = $2 ORDER BY ctid DESC LIMIT 1`, [streamSeq, subject]);
    return r ?? null;
  }

  async bySnapshot(nodeId: string, boot: string, seq: number): Promise<StoredKeyframe | null> {
    const [r] = await this.db.query<StoredKeyframe>(`SELECT ${COLS} FROM wire_keyframes WHERE node_id = $1 AND boot = $2 AND seq = $3`, [nodeId, boot, seq]);
    return r ?? null;
  }
}
