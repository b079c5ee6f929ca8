import { jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import { TELEMETRY_STREAM, MAX_MESSAGE_BYTES, parseSubject } from "@meshfleet/shared";
import { NodeRateLimiter, type FloodEvent } from "./rate-limit";
import { ListenerSet } from "./listeners";
import { DEFAULT_STREAM_LIMITS } from "./stream-config";
import { consumerLag, ensureConsumer, ensureTelemetryStream } from "./stream-setup";
import type { SiteStreams } from "./topology";
import type { IngestItem, RejectReason } from "./decode";
import { WireDecoder } from "./wire";
import { writeBatch, type TransactionWriter } from "./writer";
import { HeldAcks } from "./held-acks";
import { recordCommittedBatch, recordStoreError, type IngestStats } from "./metrics";
import { ClockSkewTracker } from "./clock-skew-tracker";
import { cpuMs, DEFAULT_DURABLE, settleMsg as settle, storedAtMs, type ClockSkewListener, type CommittedListener, type FloodListener, type IngestOptions } from "./ingest-options";
import type { ClockSkewEvent } from "./clock-skew";

export { DEFAULT_DURABLE, type ClockSkewListener, type CommittedListener, type FloodListener, type IngestOptions } from "./ingest-options";

/**
 * Durable ingest: JetStream pull consumer -> decode/validate -> one transaction per batch
 * -> acknowledge after commit -> notify listeners. Invalid messages are terminated (never
 * redelivered, never blocking the ones behind), counted by reason and logged.
 */
export class Ingest {
  private readonly o: Required<Omit<IngestOptions, "nc" | "store" | "clock" | "log" | "metrics">> & IngestOptions;
  private readonly listeners: CommittedListener[] = [];
  private readonly floodListeners: ListenerSet<FloodEvent>;
  private readonly skewListeners: ListenerSet<ClockSkewEvent>;
  /** Per-node clock skew, judged by the broker's store time; untrusted timestamps are corrected before they are stored. */
  readonly clocks: ClockSkewTracker | null;
  /** Per-node rate limit (null: none). */
  readonly limiter: NodeRateLimiter | null;
  private readonly writers: TransactionWriter[] = [];
  private readonly buf: JsMsg[] = [];
  /** The consumers being read: the shared durable, or the attached partitions' ones. */
  private readonly consuming = new Map<string, { consumer: Consumer; messages: ConsumerMessages }>();
  private scheduled = false;
  private windowTimer: NodeJS.Timeout | null = null;
  private busy: Promise<void> = Promise.resolve();
  private lagTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private sites: SiteStreams | null = null;
  /** Messages whose writes wait in the store's held transaction (`durableEveryMs`). */
  private readonly heldAcks: HeldAcks;
  readonly stats: IngestStats = { accepted: 0, duplicates: 0, rejected: {}, batches: 0, storeErrors: 0, pending: null, ackPending: null, lastCommitAt: null, stageCpuMs: { decode: 0, store: 0, notify: 0 } };
  /** The last store error (cleared by the next commit). */
  lastStoreError: string | null = null;
  /** Decodes every wire encoding; reads a delta's keyframe back from the stream when needed. */
  readonly wire: WireDecoder;

  /** Messages received and not yet written (held for their commit window or waiting for the batch before). */
  get waiting(): number {
    return this.buf.length;
  }

  constructor(opts: IngestOptions) {
    this.o = {
      durable: DEFAULT_DURABLE,
      batchMax: 500,
      commitWindowMs: 0,
      commitWindowMessages: 100,
      durableEveryMs: 0,
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
      partitions: null,
      ...opts,
    };
    if (this.o.commitWindowMs * 2 > this.o.ackWaitMs) throw new Error(`the commit window (${this.o.commitWindowMs} ms) must be at most half the ack wait (${this.o.ackWaitMs} ms)`);
    this.floodListeners = new ListenerSet(this.o.log, "flood");
    this.floodListeners.add((e) => {
      if (e.type === "flooding") this.o.log.warn({ node: e.node, reason: "rate_limited" }, "a node sends over its rate; its extra messages are dropped");
      else this.o.log.info({ node: e.node, dropped: e.dropped }, "a flooding node is back within its rate");
    });
    this.skewListeners = new ListenerSet(this.o.log, "clock skew");
    this.skewListeners.add((e) => this.o.log.warn({ node: e.node, skewMs: e.skewMs, inSync: e.type === "in_sync" }, e.type === "skewed" ? "a node's clock is off; its timestamps are replaced by the broker's time" : "a node's clock is back in sync"));
    this.clocks = this.o.clockSkew ? new ClockSkewTracker(this.o.clockSkew, (e) => this.skewListeners.emit(e)) : null;
    this.limiter = this.o.nodeRate ? new NodeRateLimiter(this.o.nodeRate) : null;
    const { store, durableEveryMs: everyMs, ackWaitMs, retryDelayMs } = this.o;
    this.heldAcks = new HeldAcks({ store, everyMs, ackWaitMs, retryDelayMs, maxHeld: Math.min(1000, Math.floor(this.o.maxAckPending / 4)), rolledBack: (error) => (this.lastStoreError = recordStoreError(this.o, this.stats, error)) });
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
    return this.floodListeners.add(listener);
  }

  /** A node's clock went beyond the skew threshold, or came back within it. */
  onClockSkew(listener: ClockSkewListener): () => void {
    return this.skewListeners.add(listener);
  }

  /** Each node's current clock skew (ms; positive: ahead), known from its last messages since the controller started. */
  clockSkews(): ReadonlyMap<string, number> {
    return this.clocks?.skews() ?? new Map<string, number>();
  }

  /** After each written batch (committed, or in the held transaction: `durableEveryMs`): the accepted items, in stream order (duplicates and rejects left out). */
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
    this.sites = await ensureTelemetryStream(this.o);
  }

  async start(): Promise<void> {
    await this.ensureStream();
    if (this.o.partitions === null) await this.consume(this.o.durable);
    this.lagTimer = setInterval(() => void this.refreshLag(), 5000);
    this.lagTimer.unref();
  }

  /**
   * Starts reading the durable consumer `name` on `filter` (created if missing): a
   * partition's or the job statuses' when several controllers share the stream. Its
   * messages join the same batches as the others'.
   */
  async attach(name: string, filter: string): Promise<void> {
    if (this.consuming.has(name) || this.stopped) return;
    await ensureConsumer(await jetstreamManager(this.o.nc), this.o, name, filter);
    await this.consume(name);
  }

  /**
   * Stops reading `name` and waits for the batch in hand. Messages delivered and not yet
   * written are handed back (nak): the consumer's next reader gets them at once (and the
   * store keeps one copy of anything written twice).
   */
  async detach(name: string): Promise<void> {
    const c = this.consuming.get(name);
    if (!c) return;
    this.consuming.delete(name);
    await c.messages.close();
    const mine = new Set(this.buf.filter((m) => this.sourceOf.get(m) === name));
    if (mine.size > 0) this.buf.splice(0, this.buf.length, ...this.buf.filter((m) => !mine.has(m)));
    for (const m of mine) settle(m, "nak");
    await this.busy;
    await this.o.store.commitHeld();
  }

  /** The consumers being read (names). */
  consumers(): string[] {
    return [...this.consuming.keys()].sort();
  }

  private readonly sourceOf = new WeakMap<JsMsg, string>();

  private async consume(name: string): Promise<void> {
    const consumer = await jetstream(this.o.nc).consumers.get(TELEMETRY_STREAM, name);
    const messages = await consumer.consume({
      max_messages: Math.min(this.o.batchMax * 4, this.o.maxAckPending),
      // Short pulls: after the server (or a cluster's stream leader) is lost, nats.js
      // re-pulls within 2 missed heartbeats (expires / 2 each) and backs off up to
      // `expires` between consumer checks; with the default 30 s a failover stalled ingest
      // for up to a minute.
      expires: 5000,
      callback: (m) => {
        this.sourceOf.set(m, name);
        this.buf.push(m);
        this.schedule(m);
      },
    });
    this.consuming.set(name, { consumer, messages });
  }

  /**
   * A message arrived: write now, or when the commit window of the oldest waiting one ends
   * (its time is up, or `commitWindowMessages` wait).
   * Only snapshots wait: a hello or a job status (rare, and someone may be waiting for it:
   * a job's progress, a node that just connected) commits at once, with what waits.
   */
  private schedule(m: JsMsg): void {
    if (this.scheduled || this.stopped) return;
    if (this.o.commitWindowMs > 0 && this.buf.length < Math.min(this.o.batchMax, this.o.commitWindowMessages) && parseSubject(m.subject)?.kind === "telemetry") {
      this.windowTimer ??= setTimeout(() => this.flush(), this.o.commitWindowMs);
      return;
    }
    this.flush();
  }

  private flush(): void {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
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
      // Messages that arrived during that batch wait for their own window (its timer is set).
      if (this.windowTimer && this.buf.length < Math.min(this.o.batchMax, this.o.commitWindowMessages)) return;
    }
  }

  /** Counts a rejected message by reason (stats and metrics). */
  private countRejected(reason: RejectReason): void {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
    this.o.metrics.rejected.inc({ reason });
    this.o.metrics.messages.inc({ kind: "unknown", result: "rejected" });
  }

  private reject(m: JsMsg, reason: RejectReason, message: string): void {
    this.countRejected(reason);
    this.o.log.warn({ subject: m.subject.slice(0, 120), seq: m.seq, reason, error: message.slice(0, 300) }, "rejected a telemetry message");
    // No reason text: `+TERM <reason>` needs nats-server 2.10; Debian ships 2.9.
    settle(m, "term");
  }

  /** True when `node`'s message is within its rate; otherwise it is dropped (terminated), counted, and not logged one by one. */
  private overRate(m: JsMsg, node: string, atMs: number): boolean {
    const r = this.limiter!.take(node, atMs);
    for (const e of r.events) this.floodListeners.emit(e);
    if (r.ok) return true;
    this.countRejected("rate_limited");
    settle(m, "term");
    return false;
  }

  /** Decodes, writes and acknowledges one batch. */
  async processBatch(msgs: JsMsg[]): Promise<void> {
    const t0 = performance.now();
    const c0 = cpuMs();
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
      // Most messages decode synchronously; awaiting only a promise spares a microtask per message.
      const decoding = this.wire.decode(m);
      const d = decoding instanceof Promise ? await decoding : decoding;
      if (d.ok) {
        items.push(this.clocks ? this.clocks.observe(d.item, storedAtMs(m) || this.o.clock.now()) : d.item);
        kept.push(m);
      } else this.reject(m, d.reason, d.message);
    }
    if (this.limiter && brokerNow > 0) for (const e of this.limiter.calm(brokerNow)) this.floodListeners.emit(e);
    const c1 = cpuMs();
    this.stats.stageCpuMs.decode += c1 - c0;
    if (items.length === 0) return;
    const now = this.o.clock.now();
    // Marked keyframes go into the batch's transaction (not commits of their own).
    const writers = this.wire.hasUnsavedKeyframes ? [() => this.wire.storeKeyframes(), ...this.writers] : this.writers;
    // A batch of snapshots may stay in the store's open transaction: acknowledged and counted when it commits.
    const held = this.heldAcks.batch(kept, now, t0, (res, secs) => {
      recordCommittedBatch(this.o.metrics, this.stats, items, res, now, secs);
      this.lastStoreError = null;
    });
    const hold = this.heldAcks.mayHold(now, kept.length, items.every((it) => it.kind === "snapshot") && this.o.commitWindowMs > 0 && kept.length < this.o.commitWindowMessages);
    let results;
    try {
      results = await writeBatch(this.o.store, items, now, writers, { hold, settled: held.settled });
    } catch (err) {
      this.stats.stageCpuMs.store += cpuMs() - c1;
      this.lastStoreError = recordStoreError(this.o, this.stats, (err as Error).message, kept.length);
      if (!held.done) for (const m of kept) settle(m, "nak", this.o.retryDelayMs);
      return;
    }
    this.stats.stageCpuMs.store += cpuMs() - c1;
    held.written();
    const accepted = items.filter((_, i) => results[i] === "accepted");
    const c2 = cpuMs();
    for (const l of this.listeners) {
      try {
        await l(accepted);
      } catch (err) {
        this.o.log.error({ error: (err as Error).message }, "an ingest listener failed");
      }
    }
    this.stats.stageCpuMs.notify += cpuMs() - c2;
  }

  private async refreshLag(): Promise<void> {
    if (this.consuming.size === 0 || this.stopped) return;
    try {
      const { pending, ackPending } = await consumerLag([...this.consuming.values()].map((c) => c.consumer));
      this.stats.pending = pending;
      this.stats.ackPending = ackPending;
      this.o.metrics.pending.set(pending);
      this.o.metrics.ackPending.set(ackPending);
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
    const all = [...this.consuming.values()];
    this.consuming.clear();
    for (const c of all) await c.messages.close();
    if (this.windowTimer) {
      // What waits for its commit window is written now rather than redelivered after the ack wait.
      clearTimeout(this.windowTimer);
      this.windowTimer = null;
      this.busy = this.busy.then(() => this.drain()).catch((err: unknown) => this.o.log.error({ error: (err as Error).message }, "ingest batch failed"));
    }
    await this.busy;
    await this.o.store.commitHeld();
    this.stopped = true;
    this.buf.length = 0;
  }
}
