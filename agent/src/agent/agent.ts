import { randomUUID } from "node:crypto";
import { PROTOCOL_VERSION, CAPABILITIES, SNAPSHOT_SECTIONS, decodeJson, job as jobSchema, subjects, toWireError, type JobStatus, type Snapshot, type WireMode } from "@meshfleet/shared";
import { BirdSocketRunner, findBirdSocket } from "../collect/bird-socket";
import { collectAll } from "../collect/index";
import { DiagHandler } from "../diag/index";
import type { CollectContext, Collection, RoutingSetting } from "../collect/types";
import type { Log } from "../log/types";
import type { Publisher } from "../publish/types";
import type { CommandRunner } from "../runner/types";
import { Outbox } from "./outbox";
import { WireEncoder } from "./wire-encoder";
import { buildHello, buildSnapshot, helloBasis } from "./snapshot";
import { systemClock, type AgentMode, type Clock, type JobHandler } from "./types";

export interface AgentOptions {
  nodeId: string;
  runner: CommandRunner;
  clock?: Clock;
  log: Log;
  /** Where snapshots go; without one the agent only collects (`collect --once`). */
  publisher?: Publisher;
  intervalMs: number;
  /** Snapshots kept while the broker is unreachable (oldest dropped first). */
  bufferSize: number;
  /**
   * How snapshots travel (protocol version 2): `delta` against deflated keyframes,
   * `deflate` keyframes only, or `json` as version 1 (default here; the CLI defaults to delta).
   */
  wire?: WireMode;
  /** With `wire: "delta"`, a keyframe at least every this many snapshots (default 30). */
  keyframeEvery?: number;
  mode: AgentMode;
  routing?: RoutingSetting;
  babeldDumpArgv?: readonly string[];
  tags?: readonly string[];
  agentVersion: string;
  /** Fixed boot id (tests); by default a random UUID per start. */
  bootId?: string;
  /**
   * Timeout per command (default 5000 ms, or the interval when that is shorter). A command
   * may run past the interval: the next cycle starts when this one ends (cycles never
   * overlap), so a slow daemon on a loaded router delays a snapshot instead of blanking it.
   */
  commandTimeoutMs?: number;
  /** Timeout for one JetStream publish ack (default 5000 ms). */
  publishTimeoutMs?: number;
  jobHandler?: JobHandler;
  /** Answer remote diagnostics (the fixed list) on the node's own diag subject. */
  diagnostics?: boolean;
  /**
   * BIRD 2's control socket, read directly instead of spawning `birdc` (local mode only;
   * ssh and prefixed runners keep `birdc`). Default: the first standard path that exists
   * when the agent is built; false: always spawn `birdc`.
   */
  birdSocket?: string | false;
  /**
   * Board/release, wireless configuration and delegated prefixes change rarely: they are
   * read every this many cycles (default 6: once a minute at 10 s), at start, after a
   * (re)connect and after a job; in between the snapshot carries the last good value and
   * the section's `cachedFromTs` says when it was read. 1 reads them every cycle.
   */
  slowEvery?: number;
  /** Replaces the collectors (benchmarks, special fleets); default: collectAll. */
  collect?: (ctx: CollectContext) => Promise<Collection>;
}

/**
 * The agent: every interval it collects a snapshot, queues it in its outage buffer and
 * drains the buffer to the broker in order. It sends a hello on every (re)connect and,
 * with a job handler, receives jobs on its own job subject.
 */
export class Agent {
  readonly nodeId: string;
  readonly #o: AgentOptions;
  readonly #clock: Clock;
  readonly #log: Log;
  readonly #ctx: CollectContext;
  readonly #outbox: Outbox;
  readonly #wire: WireMode;
  #boot: string;
  #seq = 0;
  /** The hello's view of the last collection (see `helloBasis`), not the whole of it. */
  #last: Collection | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #cycle: Promise<void> | null = null;
  #helloPending = false;
  #flushing: Promise<void> | null = null;
  #flushAgain = false;
  #unsubs: (() => void)[] = [];
  #jobs: Promise<void> = Promise.resolve();
  readonly #slowEvery: number;
  #cycles = 0;
  #refreshSlow = true;

  constructor(opts: AgentOptions) {
    subjects.telemetry(opts.nodeId); // validates the node id as a subject token
    this.nodeId = opts.nodeId;
    this.#o = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.log.child({ node: opts.nodeId });
    this.#boot = opts.bootId ?? randomUUID();
    this.#wire = opts.wire ?? "json";
    this.#outbox = new Outbox(opts.bufferSize, new WireEncoder(this.#wire, opts.keyframeEvery !== undefined ? { keyframeEvery: opts.keyframeEvery } : {}));
    this.#slowEvery = Math.max(1, Math.floor(opts.slowEvery ?? 6));
    const socket = opts.mode === "local" && opts.birdSocket !== false ? (opts.birdSocket ?? findBirdSocket()) : null;
    this.#ctx = {
      runner: socket ? new BirdSocketRunner(opts.runner, socket) : opts.runner,
      timeoutMs: opts.commandTimeoutMs ?? Math.min(5000, opts.intervalMs),
      routing: opts.routing ?? "auto",
      memo: {},
      ...(opts.slowEvery === undefined || opts.slowEvery > 1 ? { slow: { refresh: true, now: 0 } } : {}),
      ...(opts.babeldDumpArgv ? { babeldDumpArgv: opts.babeldDumpArgv } : {}),
    };
  }

  get bootId(): string {
    return this.#boot;
  }
  get seq(): number {
    return this.#seq;
  }
  /** Snapshots waiting in the outage buffer. */
  get buffered(): number {
    return this.#outbox.size;
  }
  get droppedTotal(): number {
    return this.#outbox.totalDropped;
  }
  get connected(): boolean {
    return this.#o.publisher?.connected ?? false;
  }

  /** Runs every collector once and returns the snapshot (seq advances; nothing is published). */
  async collectOnce(): Promise<Snapshot> {
    const ts = this.#clock.now();
    const slow = this.#ctx.slow;
    if (slow) {
      slow.now = ts;
      slow.refresh = this.#refreshSlow || this.#cycles % this.#slowEvery === 0;
      this.#refreshSlow = false;
    }
    this.#cycles += 1;
    const c = await (this.#o.collect ?? collectAll)(this.#ctx);
    this.#last = helloBasis(c);
    this.#seq += 1;
    return buildSnapshot({ node: this.nodeId, boot: this.#boot, seq: this.#seq, ts, intervalMs: this.#o.intervalMs, dropped: 0 }, c);
  }

  /** Starts the cycle (first one at once). A restart after stop() gets a new boot id and seq 1. */
  start(): void {
    if (this.#running) return;
    if (this.#seq > 0 && this.#o.bootId === undefined) this.#boot = randomUUID();
    if (this.#seq > 0) this.#seq = 0;
    this.#running = true;
    this.#helloPending = true;
    this.#refreshSlow = true;
    const p = this.#o.publisher;
    if (p) {
      this.#unsubs.push(
        p.onConnect(() => {
          this.#log.info({ event: "connected" }, "broker connected");
          this.#helloPending = true;
          this.#refreshSlow = true;
          this.#outbox.resetEncoding();
          void this.#flush();
        }),
      );
      if (this.#o.jobHandler) this.#unsubs.push(p.subscribe(subjects.job(this.nodeId), (d) => this.#onJob(d)));
      if (this.#o.diagnostics) {
        const out = subjects.diagOutput(this.nodeId);
        const enc = new TextEncoder();
        const routing = () => (this.#ctx.routing !== "auto" ? this.#ctx.routing : (this.#ctx.memo.daemon ?? null));
        const diag = new DiagHandler({ node: this.nodeId, runner: this.#o.runner, now: () => this.#clock.now(), routing, send: (m) => p.publishCore?.(out, enc.encode(JSON.stringify(m))) });
        this.#unsubs.push(p.subscribe(subjects.diag(this.nodeId), (d) => void diag.handle(d)));
      }
    }
    this.#log.info({ event: "start", boot: this.#boot, intervalMs: this.#o.intervalMs, runner: this.#o.runner.description }, "agent started");
    this.#schedule(0);
  }

  /** Finishes the running cycle, tries a last drain, and stops. Does not close a shared publisher. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#cycle;
    for (const u of this.#unsubs.splice(0)) u();
    await this.#flush();
    await this.#jobs;
    this.#log.info({ event: "stop", seq: this.#seq, buffered: this.#outbox.size }, "agent stopped");
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // Scheduling runs on monotonic time; the injected clock only stamps messages.
      const started = performance.now();
      this.#cycle = this.#runCycle().finally(() => {
        this.#cycle = null;
        this.#schedule(Math.max(0, started + this.#o.intervalMs - performance.now()));
      });
    }, delayMs);
  }

  async #runCycle(): Promise<void> {
    try {
      const snap = await this.collectOnce();
      const errors = SNAPSHOT_SECTIONS.reduce((n, k) => n + snap[k].errors.length, 0);
      this.#log.debug({ event: "cycle", seq: snap.seq, errors }, "collected");
      if (!this.#o.publisher) return;
      this.#outbox.pushSnapshot(subjects.telemetry(this.nodeId), snap);
      await this.#flush();
    } catch (e) {
      this.#log.error({ event: "cycle_failed", err: toWireError(e) }, "cycle failed");
    }
  }

  /**
   * Sends the hello when one is due, then drains the buffer in order. Calls while a
   * flush runs (a cycle and a reconnect at once) share it and cause one more pass.
   */
  #flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      do {
        this.#flushAgain = false;
        await this.#flushOnce();
      } while (this.#flushAgain);
    })().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    const p = this.#o.publisher;
    if (!p || !p.connected) return;
    if (this.#helloPending && this.#last) {
      const hello = buildHello(
        {
          node: this.nodeId,
          boot: this.#boot,
          ts: this.#clock.now(),
          agentVersion: this.#o.agentVersion,
          intervalMs: this.#o.intervalMs,
          mode: this.#o.mode,
          tags: this.#o.tags ?? [],
          extraCapabilities: [
            ...(this.#o.jobHandler ? [CAPABILITIES.uciJobs] : []),
            ...(this.#o.diagnostics ? [CAPABILITIES.diagnostics] : []),
            ...(this.#wire === "delta" ? [CAPABILITIES.wireDelta] : this.#wire === "deflate" ? [CAPABILITIES.wireDeflate] : []),
          ],
        },
        this.#last,
      );
      try {
        await p.publish(subjects.hello(this.nodeId), new TextEncoder().encode(JSON.stringify(hello)), { timeoutMs: this.#publishTimeout() });
        this.#helloPending = false;
        this.#log.info({ event: "hello", boot: this.#boot }, "hello sent");
      } catch (e) {
        this.#log.warn({ event: "hello_failed", err: toWireError(e) }, "hello not sent");
        return;
      }
    }
    const before = this.#outbox.size;
    const sent = await this.#outbox.drain(p, this.#publishTimeout());
    if (sent < before && this.#outbox.size > 0) {
      this.#log.warn({ event: "buffering", buffered: this.#outbox.size, dropped: this.#outbox.totalDropped }, "broker unreachable; buffering");
    }
  }

  #publishTimeout(): number {
    return this.#o.publishTimeoutMs ?? 5000;
  }

  #onJob(data: Uint8Array): void {
    const decoded = decodeJson(jobSchema, data, "job");
    if (!decoded.ok) {
      this.#log.warn({ event: "job_invalid", err: decoded.error.toWire() }, "invalid job ignored");
      return;
    }
    const job = decoded.value;
    if (job.node !== this.nodeId) {
      this.#log.warn({ event: "job_wrong_node", jobId: job.id, jobNode: job.node }, "job for another node ignored");
      return;
    }
    const handler = this.#o.jobHandler;
    if (!handler) return;
    const report = async (s: JobStatus): Promise<void> => {
      const status: JobStatus = { ...s, v: PROTOCOL_VERSION, node: this.nodeId, boot: this.#boot };
      this.#outbox.pushMessage(subjects.jobStatus(this.nodeId), `${this.nodeId}:${job.id}:${status.state}:${status.ts}`, status);
      await this.#flush();
    };
    // Jobs run one at a time, in arrival order.
    this.#jobs = this.#jobs.then(async () => {
      try {
        await handler.handle(job, report);
      } catch (e) {
        this.#log.error({ event: "job_failed", jobId: job.id, err: toWireError(e) }, "job handler failed");
      }
      this.#refreshSlow = true; // a job may have changed the configuration
    });
  }
}
