import type { Registry } from "../metrics/registry";
import type { RejectReason } from "./decode";

/** The ingest's counters, registered on the controller's Prometheus registry. */
export function ingestMetrics(r: Registry) {
  return {
    messages: r.counter("meshfleet_ingest_messages_total", "Messages taken from the telemetry stream, by kind and result (accepted, duplicate, rejected)."),
    rejected: r.counter("meshfleet_ingest_rejected_total", "Messages rejected, by reason."),
    batches: r.counter("meshfleet_ingest_batches_total", "Batches committed."),
    batchSeconds: r.counter("meshfleet_ingest_batch_seconds_total", "Time spent decoding and writing batches."),
    storeErrors: r.counter("meshfleet_ingest_store_errors_total", "Batches the store failed to commit (messages redelivered later)."),
    pending: r.gauge("meshfleet_ingest_lag_messages", "Messages in the stream not yet delivered to this controller (consumer num_pending)."),
    ackPending: r.gauge("meshfleet_ingest_ack_pending_messages", "Messages delivered but not acknowledged yet."),
    delay: r.gauge("meshfleet_ingest_delay_seconds", "Receive time minus snapshot time of the last accepted snapshot."),
    lastCommit: r.gauge("meshfleet_ingest_last_commit_timestamp_seconds", "When the last batch committed."),
  };
}
export type IngestMetrics = ReturnType<typeof ingestMetrics>;

export interface IngestStats {
  accepted: number;
  duplicates: number;
  rejected: Partial<Record<RejectReason, number>>;
  batches: number;
  storeErrors: number;
  pending: number | null;
  ackPending: number | null;
  lastCommitAt: number | null;
}
