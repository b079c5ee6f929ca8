import type { Registry } from "../metrics/registry";
import type { Logger } from "../log";
import type { IngestItem, RejectReason } from "./decode";
import type { WriteResult } from "./writer";

/** Upper bounds (s) of the time a batch takes to decode and commit. */
export const BATCH_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
/** Upper bounds (s) of a snapshot's delay from the agent's publish (its `ts`) to its commit. */
export const PUBLISH_TO_STORE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] as const;

/** The ingest's counters, gauges and histograms, registered on the controller's Prometheus registry. */
export function ingestMetrics(r: Registry) {
  return {
    messages: r.counter("meshfleet_ingest_messages_total", "Messages taken from the telemetry stream, by kind and result (accepted, duplicate, rejected).", ["kind", "result"]),
    rejected: r.counter("meshfleet_ingest_rejected_total", "Messages rejected, by reason.", ["reason"]),
    batches: r.counter("meshfleet_ingest_batches_total", "Batches committed."),
    batchSeconds: r.counter("meshfleet_ingest_batch_seconds_total", "Time spent decoding and writing batches."),
    batchDuration: r.histogram("meshfleet_ingest_batch_duration_seconds", "Time one batch took to decode and commit.", BATCH_SECONDS_BUCKETS),
    publishToStore: r.histogram("meshfleet_ingest_publish_to_store_seconds", "Commit time minus the agent's snapshot time, per accepted snapshot (clock skew included).", PUBLISH_TO_STORE_BUCKETS),
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
  /**
   * The process's CPU time (ms) spent in each stage of the batches, summed: `decode`
   * (inflate, delta, JSON, schema), `store` (the batch's transaction), `notify` (listeners
   * after commit). The rest of the process's CPU is the NATS client, acknowledgements and GC.
   */
  stageCpuMs: { decode: number; store: number; notify: number };
}

/** Counts a committed batch (stats and metrics). */
export function recordCommittedBatch(metrics: IngestMetrics, stats: IngestStats, items: readonly IngestItem[], results: readonly WriteResult[], now: number, batchSeconds: number): void {
  let lastSnapshotTs: number | null = null;
  results.forEach((r, i) => {
    const it = items[i]!;
    metrics.messages.inc({ kind: it.kind, result: r });
    if (r === "accepted") {
      stats.accepted++;
      if (it.kind === "snapshot") {
        lastSnapshotTs = it.msg.ts;
        metrics.publishToStore.observe(Math.max(0, now - it.msg.ts) / 1000);
      }
    } else stats.duplicates++;
  });
  stats.batches++;
  stats.lastCommitAt = now;
  metrics.batches.inc();
  metrics.lastCommit.set(now / 1000);
  if (lastSnapshotTs !== null) metrics.delay.set((now - lastSnapshotTs) / 1000);
  metrics.batchSeconds.inc(batchSeconds);
  metrics.batchDuration.observe(batchSeconds);
}

/** Counts and logs a batch the store could not commit (its messages are redelivered); returns `error` (the ingest's `lastStoreError`). */
export function recordStoreError(o: { metrics: IngestMetrics; log: Logger }, stats: IngestStats, error: string, messages?: number): string {
  stats.storeErrors++;
  o.metrics.storeErrors.inc();
  o.log.error({ error, messages }, "the store could not commit a batch; it will be redelivered");
  return error;
}
