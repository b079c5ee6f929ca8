import { buildHello, buildSnapshot, collectAll, type CollectContext } from "@meshfleet/agent";
import type { World } from "@meshfleet/sim";
import { DetectionService, FakeClock, openStore, silentLogger, type IngestItem, type Store } from "@meshfleet/controller";
import type { AlertSink, DetectionServiceOptions } from "@meshfleet/controller";
import { tempDir } from "@meshfleet/testkit";

export interface SimDriveOptions {
  world: World;
  /** Agents' collection interval (default 10 s, the agent's default). */
  intervalMs?: number;
  /** Detection settings (default: the defaults). */
  config?: DetectionServiceOptions["config"];
  /** How often the service's tick runs in simulated time (default 5 s, the module's default). */
  tickMs?: number;
  /** Where alert changes are notified (default none). */
  sinks?: readonly AlertSink[];
}

interface SimAgent {
  node: string;
  boot: string;
  bootAt: number;
  seq: number;
  offset: number;
  lastAt: number;
  ctx: CollectContext;
}

/**
 * Drives detection in-process on simulated time: one agent per world node collects
 * through the real collectors and parsers from the simulated runner at its own phase of
 * the interval; its hello (on every boot) and snapshots go straight to a
 * DetectionService on a real SQLite file whose clock is the world's time. Every node
 * that is up delivers (telemetry is assumed to reach the controller; outage buffering is
 * not modelled). Nothing runs in real time: `runUntil` moves the world as fast as the
 * collectors and the detectors run.
 */
export class SimDrive {
  readonly world: World;
  readonly clock: FakeClock;
  readonly store: Store;
  readonly service: DetectionService;
  readonly intervalMs: number;
  readonly tickMs: number;
  #dir = tempDir("mf-alert-quality-");
  #agents: SimAgent[];
  #cycle = 0;
  #nextTick: number;
  /** The service restored from the (new) store; every run waits for it. */
  #loaded: Promise<void>;

  constructor(o: SimDriveOptions) {
    this.world = o.world;
    this.intervalMs = o.intervalMs ?? 10_000;
    this.tickMs = o.tickMs ?? 5_000;
    this.clock = new FakeClock(o.world.now);
    this.store = openStore({ file: `${this.#dir.path}/c.sqlite`, clock: this.clock });
    this.service = new DetectionService({ store: this.store, clock: this.clock, log: silentLogger, ...(o.config ? { config: o.config } : {}), ...(o.sinks ? { sinks: o.sinks } : {}) });
    this.#loaded = this.service.load();
    const ids = o.world.nodeIds();
    this.#agents = ids.map((node, i) => ({ node, boot: "", bootAt: -1, seq: 0, lastAt: -1, offset: Math.floor((i * this.intervalMs) / ids.length), ctx: { runner: o.world.runnerFor(node), timeoutMs: 5000, routing: "bird2", memo: {} } }));
    this.#nextTick = o.world.now + this.tickMs;
  }

  /** Runs every agent cycle and service tick up to `t` (ms since the epoch). */
  async runUntil(t: number): Promise<void> {
    await this.#loaded;
    const start = this.world.startMs;
    for (;;) {
      const cycleStart = start + this.#cycle * this.intervalMs;
      if (cycleStart > t) break;
      for (const a of this.#agents) {
        const at = cycleStart + a.offset;
        if (at > t) return await this.#tickUntil(t);
        if (at <= a.lastAt) continue;
        a.lastAt = at;
        await this.#tickUntil(at);
        this.#setTime(at);
        await this.#collect(a, at);
      }
      this.#cycle++;
    }
    await this.#tickUntil(t);
  }

  /** Runs for `ms` of simulated time. */
  runFor(ms: number): Promise<void> {
    return this.runUntil(this.clock.now() + ms);
  }

  close(): void {
    this.store.close();
    this.#dir.cleanup();
  }

  async #tickUntil(t: number): Promise<void> {
    while (this.#nextTick <= t) {
      this.#setTime(this.#nextTick);
      await this.service.tick(this.#nextTick);
      this.#nextTick += this.tickMs;
    }
  }

  #setTime(t: number): void {
    this.world.at(t);
    if (t > this.clock.now()) this.clock.set(t);
  }

  async #collect(a: SimAgent, at: number): Promise<void> {
    if (!this.world.isUp(a.node, at)) return;
    // The agent (re)starts with its node: a new boot id, seq from 1, a hello first.
    const bootAt = this.world.node(a.node).bootAt;
    const items: IngestItem[] = [];
    const c = await collectAll(a.ctx);
    if (bootAt !== a.bootAt) {
      a.bootAt = bootAt;
      a.boot = `${a.node}-boot-${bootAt}`;
      a.seq = 0;
      const hello = buildHello({ node: a.node, boot: a.boot, ts: at, agentVersion: "0.1.0", intervalMs: this.intervalMs, mode: "simulated", tags: [], extraCapabilities: [] }, c);
      await this.store.transaction(() => this.store.nodes.applyHello(hello, at));
      items.push({ kind: "hello", msg: hello });
    }
    a.seq++;
    items.push({ kind: "snapshot", msg: buildSnapshot({ node: a.node, boot: a.boot, seq: a.seq, ts: at, intervalMs: this.intervalMs, dropped: 0 }, c) });
    await this.service.handle(items);
  }
}
