import type { NatsConnection } from "@nats-io/transport-node";
import { nanos } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstreamManager, type Consumer, type JetStreamManager, type StreamInfo } from "@nats-io/jetstream";
import { TELEMETRY_STREAM } from "@meshfleet/shared";
import type { Logger } from "../log";
import { immutableDifferences, telemetryStreamConfig } from "./stream-config";
import { SiteStreams, reconcileStream, siteSources, streamReplicas } from "./topology";

/** What the ingest's stream and consumer are made from (the ingest's options with their defaults applied). */
export interface StreamSetupOptions {
  nc: NatsConnection;
  log: Logger;
  durable: string;
  maxAckPending: number;
  ackWaitMs: number;
  replicas: number | "auto";
  sites: readonly string[];
  streamMaxAgeMs: number;
  streamMaxBytes: number;
  streamMaxMsgsPerSubject: number;
  maxMessageBytes: number;
  /** Several controllers: partitioned subjects, no shared durable (each partition gets its own consumer, `ensureConsumer`). */
  partitions: number | null;
}

/**
 * Creates the telemetry stream (or brings an existing one to our limits: replicas,
 * site sources, the limits nats-server lets change in place) and the durable consumer
 * if missing. Returns the site streams to keep sourced when sites are configured.
 */
export async function ensureTelemetryStream(o: StreamSetupOptions): Promise<SiteStreams | null> {
  const jsm = await jetstreamManager(o.nc);
  const replicas = streamReplicas(o.replicas, o.nc);
  const sources = siteSources(o.sites);
  const wanted = telemetryStreamConfig({
    maxAgeMs: o.streamMaxAgeMs,
    maxBytes: o.streamMaxBytes,
    maxMessageBytes: o.maxMessageBytes,
    maxMsgsPerSubject: o.streamMaxMsgsPerSubject,
  }, { partitioned: o.partitions !== null });
  let info: StreamInfo | null = null;
  try {
    info = await jsm.streams.info(TELEMETRY_STREAM);
  } catch {
    await jsm.streams.add({ ...wanted, num_replicas: replicas, ...(sources.length > 0 ? { sources } : {}) });
    o.log.info({ stream: TELEMETRY_STREAM, replicas, sites: o.sites }, "created the telemetry stream");
  }
  if (info) {
    await reconcileStream(jsm, info, replicas, sources, o.log);
    await hardenStream(jsm, wanted, o.log);
  }
  const sites = o.sites.length > 0 && o.partitions === null ? new SiteStreams({ nc: o.nc, sites: o.sites, log: o.log, maxAgeMs: o.streamMaxAgeMs, maxBytes: o.streamMaxBytes, maxMsgSize: o.maxMessageBytes * 2 }) : null;
  if (o.partitions === null) await ensureConsumer(jsm, o, o.durable, null);
  return sites;
}

/** The durable consumer `name` (on `filter`, or everything), created if missing. */
export async function ensureConsumer(jsm: JetStreamManager, o: Pick<StreamSetupOptions, "maxAckPending" | "ackWaitMs">, name: string, filter: string | null): Promise<void> {
  try {
    await jsm.consumers.info(TELEMETRY_STREAM, name);
  } catch {
    await jsm.consumers.add(TELEMETRY_STREAM, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: o.maxAckPending,
      ack_wait: nanos(o.ackWaitMs),
      ...(filter === null ? {} : { filter_subject: filter }),
    });
  }
}

/** Brings an existing stream to our limits (those nats-server lets change in place). */
async function hardenStream(jsm: JetStreamManager, wanted: ReturnType<typeof telemetryStreamConfig>, log: Logger): Promise<void> {
  const existing = await jsm.streams.info(TELEMETRY_STREAM);
  const fixed = immutableDifferences(existing.config, wanted);
  if (fixed.length > 0) {
    // Retention and storage cannot change in place; only deny_delete/deny_purge are raised.
    log.warn({ stream: TELEMETRY_STREAM, differences: fixed }, "the telemetry stream was created by an older version; recreate it (once drained) to get per-node limits");
    if (!existing.config.deny_delete || !existing.config.deny_purge) await jsm.streams.update(TELEMETRY_STREAM, { ...existing.config, deny_delete: true, deny_purge: true });
    return;
  }
  const c = existing.config;
  const same = JSON.stringify(c.subjects) === JSON.stringify(wanted.subjects) && c.max_age === wanted.max_age && c.max_bytes === wanted.max_bytes && c.max_msg_size === wanted.max_msg_size && c.max_msgs_per_subject === wanted.max_msgs_per_subject && c.discard === wanted.discard && c.discard_new_per_subject === wanted.discard_new_per_subject && c.deny_delete && c.deny_purge;
  if (!same) await jsm.streams.update(TELEMETRY_STREAM, { ...c, ...wanted });
}

/** Messages waiting and delivered-but-unacknowledged, summed over the consumers being read. */
export async function consumerLag(consumers: readonly Consumer[]): Promise<{ pending: number; ackPending: number }> {
  let pending = 0;
  let ackPending = 0;
  for (const consumer of consumers) {
    const info = await consumer.info();
    pending += info.num_pending;
    ackPending += info.num_ack_pending;
  }
  return { pending, ackPending };
}
