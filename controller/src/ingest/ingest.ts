import type { NatsConnection } from "@nats-io/transport-node";
import { nanos } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JetStreamManager, type JsMsg, type StreamInfo } from "@nats-io/jetstream";
import { TELEMETRY_STREAM, MAX_MESSAGE_BYTES, parseSubject } from "@meshfleet/shared";
import { NodeRateLimiter, type FloodEvent, type NodeRate } from "./rate-limit";
import { DEFAULT_STREAM_LIMITS, immutableDifferences, telemetryStreamConfig } from "./stream-config";
import type { Store, Clock } from "../store/index";
import { SiteStreams, reconcileStream, siteSources, streamReplicas } from "./topology";
import type { Logger } from "../log";
import type { IngestItem, RejectReason } from "./decode";
import { WireDecoder } from "./wire";
import { writeBatch, type TransactionWriter } from "./writer";
import type { IngestMetrics, IngestStats } from "./metrics";
import { ClockSkewTracker } from "./clock-skew-tracker";
import type { ClockSkewEvent, ClockSkewOptions } from "./clock-skew";

export type FloodListener = (e: FloodEvent) => void;
export type ClockSkewListener = (e: ClockSkewEvent) => void;
export type CommittedListener = (items: readonly IngestItem[]) => void | Promise<void>;

export interface IngestOptions {
  nc: NatsConnection;
  store: Store;
  clock: Clock;
  log: Logger;
  metrics: IngestMetrics;
  /** Durable consumer name (controllers sharing it split the work). */
  durable?: string;
  /** Most messages written per transaction. */
  batchMax?: number;
  /** Most messages delivered and not yet acknowledged. */
  maxAckPending?: number;
  /** Stream limits, used when the stream is created. */
  streamMaxAgeMs?: number;
  streamMaxBytes?: number;
  /** Messages one subject (one node's telemetry, hello or job status) may have waiting. */
  streamMaxMsgsPerSubject?: number;
  maxMessageBytes?: number;
  /** Delay before a batch the store could not commit is redelivered. */
  retryDelayMs?: number;
  /** Redelivery of a message delivered but not acknowledged (e.g. the controller died), when the consumer is created. */
  ackWaitMs?: number;
  /** Stream replicas: a number, or "auto" (3 when the server is part of a cluster, else 1). */
  replicas?: number | "auto";
  /** Per-node rate limit (by the broker's store time); none: no limit. */
  nodeRate?: NodeRate | null;
  /** JetStream domains of site leaf nodes whose site stream the telemetry stream sources. */
  sites?: readonly string[];
  /**
   * When a node's clock is not trusted (`clock-skew.ts`): its timestamps are corrected and
   * `clock_skew` opens. None (the default, for tests with made-up timestamps): timestamps
   * are stored as sent; `serve` turns it on.
   */
  clockSkew?: ClockSkewOptions | null;
}

export const DEFAULT_DURABLE = "meshfleet-controller";

/** When the broker stored the message (ms); the ingest's rate limit runs on this time. */
function storedAtMs(m: JsMsg): number {
  try {
    return Math.floor(Number(m.info.timestampNanos) / 1e6);
  } catch {
    return 0;
  }
}

/** Acknowledges (or not) without throwing: on a closed connection the server redelivers anyway. */
function settle(m: JsMsg, how: "ack" | "nak" | "term", delayMs?: number): void {
  try {
    if (how === "ack") m.ack();
    else if (how === "nak") m.nak(delayMs);
    else m.term();
  } catch {
    // connection closed: unacknowledged messages come back after the ack wait
  }
}

/**
 * Durable ingest: JetStream pull consumer -> decode/validate -> one transaction per batch
 * -> acknowledge after commit -> notify listeners. Invalid messages are terminated (never
 * redelivered, never blocking the ones behind), counted by reason and logged.
 */
export class Ingest {
  private readonly o: Required<Omit<IngestOptions, "nc" | "store" | "clock" | "log" | "metrics">> & IngestOptions;
  private readonly listeners: CommittedListener[] = [];
  private readonly floodListeners: FloodListener[] = [];
  private readonly skewListeners: ClockSkewListener[] = [];
  /** Per-node clock skew, judged by the broker's store time; untrusted timestamps are corrected before they are stored. */
  readonly clocks: ClockSkewTracker | null;
  /** Per-node rate limit (null: none). */
  readonly limiter: NodeRateLimiter | null;
  private readonly writers: TransactionWriter[] = [];
  private readonly buf: JsMsg[] = [];
  private messages: ConsumerMessages | null = null;
  private consumer: Consumer | null = null;
  private scheduled = false;
  private busy: Promise<void> = Promise.resolve();
  private lagTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private sites: SiteStreams | null = null;
  readonly stats: IngestStats = { accepted: 0, duplicates: 0, rejected: {}, batches: 0, storeErrors: 0, pending: null, ackPending: null, lastCommitAt: null };
  /** The last store error (cleared by the next commit). */
  lastStoreError: string | null = null;
  /** Decodes every wire encoding; reads a delta's keyframe back from the stream when needed. */
  readonly wire: WireDecoder;

  constructor(opts: IngestOptions) {
    this.o = {
      durable: DEFAULT_DURABLE,
      batchMax: 500,
      maxAckPending: 20_000,
      streamMaxAgeMs: DEFAULT_STREAM_LIMITS.maxAgeMs,
      streamMaxBytes: DEFAULT_STREAM_LIMITS.maxBytes,
      streamMaxMsgsPerSubject: DEFAULT_STREAM_LIMITS.maxMsgsPerSubject,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      retryDelayMs: 2000,
      ackWaitMs: 30_000,
      replicas: "auto",
      sites: [],
      nodeRate: null,
      clockSkew: null,
      ...opts,
    };
    this.clocks = this.o.clockSkew ? new ClockSkewTracker(this.o.clockSkew, (e) => this.emitSkew(e)) : null;
    this.limiter = this.o.nodeRate ? new NodeRateLimiter(this.o.nodeRate) : null;
    let jsm: Awaited<ReturnType<typeof jetstreamManager>> | null = null;
    this.wire = new WireDecoder({
      maxBytes: this.o.maxMessageBytes,
      store: this.o.store.keyframes,
      fetch: async (seq) => {
        jsm ??= await jetstreamManager(this.o.nc);
        const m = await jsm.streams.getMessage(TELEMETRY_STREAM, { seq });
        return m ? { subject: m.subject, data: m.data, seq: m.seq, headers: m.header } : null;
      },
    });
  }

  /** A node started sending over its rate, or has been calm again for a minute. */
  onFlooding(listener: FloodListener): () => void {
    this.floodListeners.push(listener);
    return () => this.floodListeners.splice(this.floodListeners.indexOf(listener), 1);
  }

  /** A node's clock went beyond the skew threshold, or came back within it. */
  onClockSkew(listener: ClockSkewListener): () => void {
    this.skewListeners.push(listener);
    return () => this.skewListeners.splice(this.skewListeners.indexOf(listener), 1);
  }

  /** Each node's current clock skew (ms; positive: ahead), known from its last messages since the controller started. */
  clockSkews(): ReadonlyMap<string, number> {
    return this.clocks?.skews() ?? new Map<string, number>();
  }

  /** After each committed batch: the accepted items, in stream order (duplicates and rejects left out). */
  onCommitted(listener: CommittedListener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** Inside each batch's transaction (synchronous): write your rows atomically with the batch. */
  onTransaction(writer: TransactionWriter): () => void {
    this.writers.push(writer);
    return () => this.writers.splice(this.writers.indexOf(writer), 1);
  }

  /** Creates the stream (or brings an existing one to our limits) and the durable consumer if missing. */
  async ensureStream(): Promise<void> {
    const jsm = await jetstreamManager(this.o.nc);
    const replicas = streamReplicas(this.o.replicas, this.o.nc);
    const sources = siteSources(this.o.sites);
    const wanted = telemetryStreamConfig({
      maxAgeMs: this.o.streamMaxAgeMs,
      maxBytes: this.o.streamMaxBytes,
      maxMessageBytes: this.o.maxMessageBytes,
      maxMsgsPerSubject: this.o.streamMaxMsgsPerSubject,
    });
    let info: StreamInfo | null = null;
    try {
      info = await jsm.streams.info(TELEMETRY_STREAM);
    } catch {
      await jsm.streams.add({ ...wanted, num_replicas: replicas, ...(sources.length > 0 ? { sources } : {}) });
      this.o.log.info({ stream: TELEMETRY_STREAM, replicas, sites: this.o.sites }, "created the telemetry stream");
    }
    if (info) {
      await reconcileStream(jsm, info, replicas, sources, this.o.log);
      await this.hardenStream(jsm, wanted);
    }
    if (this.o.sites.length > 0) this.sites = new SiteStreams({ nc: this.o.nc, sites: this.o.sites, log: this.o.log, maxAgeMs: this.o.streamMaxAgeMs, maxBytes: this.o.streamMaxBytes, maxMsgSize: this.o.maxMessageBytes * 2 });
    try {
      await jsm.consumers.info(TELEMETRY_STREAM, this.o.durable);
    } catch {
      await jsm.consumers.add(TELEMETRY_STREAM, {
        durable_name: this.o.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        max_ack_pending: this.o.maxAckPending,
        ack_wait: nanos(this.o.ackWaitMs),
      });
    }
  }

  /** Brings an existing stream to our limits (those nats-server lets change in place). */
  private async hardenStream(jsm: JetStreamManager, wanted: ReturnType<typeof telemetryStreamConfig>): Promise<void> {
    const existing = await jsm.streams.info(TELEMETRY_STREAM);
    const fixed = immutableDifferences(existing.config, wanted);
    if (fixed.length > 0) {
      // Retention and storage cannot change in place; only deny_delete/deny_purge are raised.
      this.o.log.warn({ stream: TELEMETRY_STREAM, differences: fixed }, "the telemetry stream was created by an older version; recreate it (once drained) to get per-node limits");
      if (!existing.config.deny_delete || !existing.config.deny_purge) await jsm.streams.update(TELEMETRY_STREAM, { ...existing.config, deny_delete: true, deny_purge: true });
      return;
    }
    const c = existing.config;
    const same = c.max_age === wanted.max_age && c.max_bytes === wanted.max_bytes && c.max_msg_size === wanted.max_msg_size && c.max_msgs_per_subject === wanted.max_msgs_per_subject && c.discard === wanted.discard && c.discard_new_per_subject === wanted.discard_new_per_subject && c.deny_delete && c.deny_purge;
    if (!same) await jsm.streams.update(TELEMETRY_STREAM, { ...c, ...wanted });
  }

  async start(): Promise<void> {
    await this.ensureStream();
    const js = jetstream(this.o.nc);
    this.consumer = await js.consumers.get(TELEMETRY_STREAM, this.o.durable);
    this.messages = await this.consumer.consume({
      max_messages: Math.min(this.o.batchMax * 4, this.o.maxAckPending),
      // Short pulls: after the server (or a cluster's stream leader) is lost, nats.js
      // re-pulls within 2 missed heartbeats (expires / 2 each) and backs off up to
      // `expires` between consumer checks; with the default 30 s a failover stalled ingest
      // for up to a minute.
      expires: 5000,
      callback: (m) => {
        this.buf.push(m);
        this.schedule();
      },
    });
    this.lagTimer = setInterval(() => void this.refreshLag(), 5000);
    this.lagTimer.unref();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.busy = this.busy
        .then(() => this.drain())
        .catch((err: unknown) => this.o.log.error({ error: (err as Error).message }, "ingest batch failed"));
    });
  }

  private async drain(): Promise<void> {
    while (this.buf.length > 0 && !this.stopped) {
      await this.processBatch(this.buf.splice(0, this.o.batchMax));
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  private reject(m: JsMsg, reason: RejectReason, message: string): void {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
    this.o.metrics.rejected.inc({ reason });
    this.o.metrics.messages.inc({ kind: "unknown", result: "rejected" });
    this.o.log.warn({ subject: m.subject.slice(0, 120), seq: m.seq, reason, error: message.slice(0, 300) }, "rejected a telemetry message");
    // No reason text: `+TERM <reason>` needs nats-server 2.10; Debian ships 2.9.
    settle(m, "term");
  }

  /** True when `node`'s message is within its rate; otherwise it is dropped (terminated), counted, and not logged one by one. */
  private overRate(m: JsMsg, node: string, atMs: number): boolean {
    const r = this.limiter!.take(node, atMs);
    for (const e of r.events) this.emitFlood(e);
    if (r.ok) return true;
    this.stats.rejected.rate_limited = (this.stats.rejected.rate_limited ?? 0) + 1;
    this.o.metrics.rejected.inc({ reason: "rate_limited" });
    this.o.metrics.messages.inc({ kind: "unknown", result: "rejected" });
    settle(m, "term");
    return false;
  }

  private emitSkew(e: ClockSkewEvent): void {
    this.o.log.warn({ node: e.node, skewMs: e.skewMs, inSync: e.type === "in_sync" }, e.type === "skewed" ? "a node's clock is off; its timestamps are replaced by the broker's time" : "a node's clock is back in sync");
    for (const l of this.skewListeners) {
      try {
        l(e);
      } catch (err) {
        this.o.log.error({ error: (err as Error).message }, "a clock skew listener failed");
      }
    }
  }

  private emitFlood(e: FloodEvent): void {
    if (e.type === "flooding") this.o.log.warn({ node: e.node, reason: "rate_limited" }, "a node sends over its rate; its extra messages are dropped");
    else this.o.log.info({ node: e.node, dropped: e.dropped }, "a flooding node is back within its rate");
    for (const l of this.floodListeners) {
      try {
        l(e);
      } catch (err) {
        this.o.log.error({ error: (err as Error).message }, "a flood listener failed");
      }
    }
  }

  /** Decodes, writes and acknowledges one batch. */
  async processBatch(msgs: JsMsg[]): Promise<void> {
    const t0 = performance.now();
    const items: IngestItem[] = [];
    const kept: JsMsg[] = [];
    let brokerNow = 0;
    for (const m of msgs) {
      if (this.limiter) {
        const at = storedAtMs(m);
        brokerNow = Math.max(brokerNow, at);
        const node = parseSubject(m.subject)?.node;
        if (node !== undefined && !this.overRate(m, node, at)) continue;
      }
      const d = await this.wire.decode(m);
      if (d.ok) {
        items.push(this.clocks ? this.clocks.observe(d.item, storedAtMs(m) || this.o.clock.now()) : d.item);
        kept.push(m);
      } else this.reject(m, d.reason, d.message);
    }
    if (this.limiter && brokerNow > 0) for (const e of this.limiter.calm(brokerNow)) this.emitFlood(e);
    if (items.length === 0) return;
    const now = this.o.clock.now();
    let results;
    try {
      results = writeBatch(this.o.store, items, now, this.writers);
    } catch (err) {
      this.stats.storeErrors++;
      this.o.metrics.storeErrors.inc();
      this.lastStoreError = (err as Error).message;
      this.o.log.error({ error: this.lastStoreError, messages: kept.length }, "the store could not commit a batch; it will be redelivered");
      for (const m of kept) settle(m, "nak", this.o.retryDelayMs);
      return;
    }
    this.lastStoreError = null;
    for (const m of kept) settle(m, "ack");
    const accepted: IngestItem[] = [];
    let lastSnapshotTs: number | null = null;
    results.forEach((r, i) => {
      const it = items[i]!;
      this.o.metrics.messages.inc({ kind: it.kind, result: r });
      if (r === "accepted") {
        this.stats.accepted++;
        accepted.push(it);
        if (it.kind === "snapshot") lastSnapshotTs = it.msg.ts;
      } else this.stats.duplicates++;
    });
    this.stats.batches++;
    this.stats.lastCommitAt = now;
    this.o.metrics.batches.inc();
    this.o.metrics.lastCommit.set({}, now / 1000);
    if (lastSnapshotTs !== null) this.o.metrics.delay.set({}, (now - lastSnapshotTs) / 1000);
    this.o.metrics.batchSeconds.inc({}, (performance.now() - t0) / 1000);
    for (const l of this.listeners) {
      try {
        await l(accepted);
      } catch (err) {
        this.o.log.error({ error: (err as Error).message }, "an ingest listener failed");
      }
    }
  }

  private async refreshLag(): Promise<void> {
    if (!this.consumer || this.stopped) return;
    try {
      const info = await this.consumer.info();
      this.stats.pending = info.num_pending;
      this.stats.ackPending = info.num_ack_pending;
      this.o.metrics.pending.set({}, info.num_pending);
      this.o.metrics.ackPending.set({}, info.num_ack_pending);
    } catch (err) {
      this.o.log.debug({ error: (err as Error).message }, "consumer info failed");
    }
  }

  /** Latest lag figures (asks the server). */
  async lag(): Promise<{ pending: number | null; ackPending: number | null }> {
    await this.refreshLag();
    return { pending: this.stats.pending, ackPending: this.stats.ackPending };
  }

  /** Stops pulling, finishes the batch in hand; unacknowledged messages are redelivered later. */
  async stop(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    await this.sites?.stop();
    const msgs = this.messages;
    this.messages = null;
    if (msgs) await msgs.close();
    await this.busy;
    this.stopped = true;
    this.buf.length = 0;
  }
}
