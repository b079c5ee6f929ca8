import { nanos } from "@nats-io/transport-node";
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from "@nats-io/jetstream";
import { MAX_MESSAGE_BYTES, TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS, partitioned } from "@meshfleet/shared";

export interface TelemetryStreamLimits {
  maxAgeMs: number;
  maxBytes: number;
  /** The largest message the ingest accepts (the stream refuses anything much larger). */
  maxMessageBytes: number;
  /** Messages one subject (one node's telemetry, hello or job status) may have waiting in the stream. */
  maxMsgsPerSubject: number;
}

/** Room for the headers the agent sends (Nats-Msg-Id) above the ingest's payload limit. */
export const HEADER_ALLOWANCE_BYTES = 4096;

export const DEFAULT_STREAM_LIMITS: TelemetryStreamLimits = {
  maxAgeMs: 24 * 3600_000,
  maxBytes: 1024 ** 3,
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxMsgsPerSubject: 1000,
};

/**
 * The telemetry stream's configuration. A queue, not an archive: work-queue retention (a
 * message leaves once the ingest has acknowledged it), so the limits bound only what is
 * waiting. Nothing the stream acknowledged is ever evicted by someone else's traffic:
 * - discard new: a full stream refuses new messages (agents keep them buffered and retry)
 *   instead of dropping old, acknowledged ones;
 * - max_msgs_per_subject with discard_new_per_subject: one node may have at most N
 *   messages waiting per subject; beyond that its own new publishes are refused, so a
 *   flooding node fills only its own share and its backlog ahead of the others in the
 *   ingest stays bounded;
 * - max_msg_size: junk larger than the ingest accepts never enters;
 * - deny_delete / deny_purge: nobody, not even the controller's account, can purge or
 *   delete acknowledged messages through the API.
 */
export function telemetryStreamConfig(l: TelemetryStreamLimits = DEFAULT_STREAM_LIMITS, o: { partitioned?: boolean } = {}): Partial<StreamConfig> & { name: string; discard_new_per_subject: boolean } {
  return {
    name: TELEMETRY_STREAM,
    // Several controllers: the broker maps telemetry and hellos into partitions (subject mapping).
    subjects: o.partitioned ? [...partitioned.streamSubjects] : [...TELEMETRY_STREAM_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    max_age: nanos(l.maxAgeMs),
    max_bytes: l.maxBytes,
    max_msg_size: l.maxMessageBytes + HEADER_ALLOWANCE_BYTES,
    max_msgs_per_subject: l.maxMsgsPerSubject,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    deny_delete: true,
    deny_purge: true,
  };
}

/** Settings of an existing stream that differ from ours and cannot be changed in place. */
export function immutableDifferences(existing: Partial<StreamConfig>, wanted: Partial<StreamConfig>): string[] {
  const out: string[] = [];
  if (existing.retention !== wanted.retention) out.push(`retention ${String(existing.retention)} (wanted ${String(wanted.retention)})`);
  if (existing.storage !== wanted.storage) out.push(`storage ${String(existing.storage)} (wanted ${String(wanted.storage)})`);
  return out;
}
