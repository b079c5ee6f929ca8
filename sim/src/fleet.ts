import { ConfigError, ERROR_CODES, MeshfleetError } from "@meshfleet/shared";
import type { CommandResult, CommandRunner, RunOptions } from "@meshfleet/shared";
import { Agent, systemClock, type Clock, type Log, type PublishAck, type PublishOptions, type Publisher } from "@meshfleet/agent";
import { createVerifier, JobExecutor, MemoryJobStateStore, systemJobClock } from "@meshfleet/agent/jobs";
import { FileUciBackend } from "@meshfleet/uci";
import type { SimNode } from "./types";
import { peerViews } from "./views";
import type { World, WorldEvent } from "./world";

export interface SimFleetOptions {
  world: World;
  /** One shared connection for every simulated agent (none: agents only collect). */
  publisher?: Publisher;
  /** World time follows this clock (default: the system clock). */
  clock?: Clock;
  intervalMs: number;
  log: Log;
  bufferSize?: number;
  agentVersion: string;
  /** Plug a UCI job executor into every agent (needs a world with a config root). */
  jobs?: boolean;
  /**
   * A node without a mesh path to its site's gateway cannot reach the broker: its
   * publishes fail and its agent buffers, as on a real mesh (default true).
   */
  isolateUnreachable?: boolean;
  /** Spread the agents' first cycles over one interval (default true). */
  stagger?: boolean;
  /**
   * Host only the nodes with `index % count === index` (0-based): several processes with
   * the same seed and scenario share one world between them, one shard each.
   */
  shard?: { index: number; count: number };
}

/** Does the node have a mesh path to its site's gateway (the uplink) right now? */
export function reachesGateway(world: World, node: SimNode): boolean {
  if (!world.isUp(node.id)) return false;
  if (node.gateway) return true;
  const t = world.tables(node);
  return t.meshNext[node.local * t.n + 0]! >= 0;
}

/** A node's view of the shared connection: down while the node is cut off from its uplink. */
class NodePublisher implements Publisher {
  constructor(
    private readonly inner: Publisher,
    private readonly world: World,
    private readonly node: SimNode,
    private readonly isolate: boolean,
  ) {}
  get connected(): boolean {
    return this.inner.connected && (!this.isolate || reachesGateway(this.world, this.node));
  }
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<PublishAck | void> {
    if (!this.connected) return Promise.reject(new MeshfleetError(ERROR_CODES.commandFailed, `${this.node.id}: no path to the broker`));
    return this.inner.publish(subject, data, opts);
  }
  onConnect(listener: () => void): () => void {
    return this.inner.onConnect(listener);
  }
  publishCore(subject: string, data: Uint8Array): void {
    if (this.connected) this.inner.publishCore?.(subject, data);
  }
  subscribe(subject: string, handler: (data: Uint8Array) => void): () => void {
    return this.inner.subscribe(subject, handler);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Runs one simulated agent per world node in this process: each with its own node id,
 * boot id, seq and outage buffer, all over one shared connection. World time follows
 * the clock (moved on every command and once a second); a node reboot in the world
 * stops that node's agent and starts a new one (new boot id, seq from 1) when it is up.
 */
export class SimFleet {
  readonly #o: SimFleetOptions;
  readonly #clock: Clock;
  readonly #agents = new Map<string, Agent>();
  readonly #restarts = new Map<string, number>();
  readonly #stopping = new Set<Promise<void>>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #ticker: ReturnType<typeof setInterval> | null = null;
  #unsub: (() => void) | null = null;
  /** Agents started, restarts included. */
  started = 0;

  constructor(opts: SimFleetOptions) {
    const shard = opts.shard;
    if (shard && !(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
      throw new ConfigError(`invalid shard ${shard.index}/${shard.count}`);
    }
    this.#o = opts;
    this.#clock = opts.clock ?? systemClock;
  }

  agent(nodeId: string): Agent | undefined {
    return this.#agents.get(nodeId);
  }

  get size(): number {
    return this.#agents.size;
  }

  /** Moves world time to the clock and restarts agents whose node came back. */
  tick(): void {
    const now = this.#clock.now();
    this.#o.world.at(now);
    for (const [id, at] of this.#restarts) {
      if (now < at || !this.#o.world.isUp(id, now)) continue;
      this.#restarts.delete(id);
      this.#startAgent(id);
    }
  }

  /** Starts every agent. The world must start near the clock's now (`startMs: clock.now()`), or its scripted events would all fire at once. */
  start(): void {
    const w = this.#o.world;
    const lag = this.#clock.now() - w.now;
    if (lag > 3_600_000 || lag < -3_600_000) throw new ConfigError(`the simulated world starts ${Math.round(lag / 1000)} s away from the fleet clock; create it with startMs: clock.now()`);
    this.#unsub = w.onEvent((e) => this.#onWorldEvent(e));
    this.tick();
    const shard = this.#o.shard;
    const ids = w.nodeIds().filter((_, i) => !shard || i % shard.count === shard.index);
    ids.forEach((id, i) => {
      const delay = this.#o.stagger === false ? 0 : Math.floor((i * this.#o.intervalMs) / ids.length);
      if (!w.isUp(id)) return;
      if (delay === 0) this.#startAgent(id);
      else {
        const t = setTimeout(() => {
          this.#timers.delete(t);
          if (!this.#agents.has(id) && w.isUp(id)) this.#startAgent(id);
        }, delay);
        this.#timers.add(t);
      }
    });
    this.#ticker = setInterval(() => this.tick(), 1000);
  }

  async stop(): Promise<void> {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#unsub?.();
    this.#restarts.clear();
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all([...agents.map((a) => a.stop()), ...this.#stopping]);
  }

  #onWorldEvent(e: WorldEvent): void {
    if (e.type !== "rebootNode") return;
    const shard = this.#o.shard;
    if (shard && this.#o.world.node(e.node).index % shard.count !== shard.index) return;
    const a = this.#agents.get(e.node);
    this.#agents.delete(e.node);
    if (a) {
      const p = a.stop().finally(() => this.#stopping.delete(p));
      this.#stopping.add(p);
    }
    if (this.#ticker !== null) this.#restarts.set(e.node, e.at + e.downMs);
  }

  #runner(id: string): CommandRunner {
    const inner = this.#o.world.runnerFor(id);
    const fleet = this;
    return {
      description: inner.description,
      run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
        fleet.#o.world.at(fleet.#clock.now());
        return inner.run(argv, opts);
      },
    };
  }

  #startAgent(id: string): void {
    const o = this.#o;
    const w = o.world;
    const node = w.node(id);
    const runner = this.#runner(id);
    const publisher = o.publisher ? new NodePublisher(o.publisher, w, node, o.isolateUnreachable ?? true) : undefined;
    const cfg = w.configs?.[node.index];
    const jobHandler =
      o.jobs && cfg && publisher
        ? new JobExecutor({
            backend: new FileUciBackend(cfg.dir),
            runner,
            store: new MemoryJobStateStore(),
            clock: systemJobClock,
            log: o.log.child({ node: id }),
            verifier: createVerifier({
              clock: systemJobClock,
              roundTrip: () => Promise.resolve(publisher.connected),
              countPeers: () => {
                const peers = w.isUp(id) ? peerViews(w, node).length : 0;
                return Promise.resolve({ meshPeers: peers, neighbors: peers });
              },
            }),
          })
        : undefined;
    const agent = new Agent({
      nodeId: id,
      runner,
      clock: this.#clock,
      log: o.log,
      ...(publisher ? { publisher } : {}),
      intervalMs: o.intervalMs,
      bufferSize: o.bufferSize ?? 360,
      mode: "simulated",
      routing: "bird2",
      tags: ["simulated", `site-${node.site}`],
      agentVersion: o.agentVersion,
      diagnostics: true,
      ...(jobHandler ? { jobHandler } : {}),
    });
    this.#agents.set(id, agent);
    this.started++;
    agent.start();
  }
}
