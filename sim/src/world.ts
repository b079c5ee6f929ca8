import { ConfigError } from "@meshfleet/shared";
import { buildWorld, linkBetween, type BuildOptions, type WorldModel } from "./build";
import type { Scenario, SimEvent } from "./scenario";
import { siteAssociations, type AssociationCache, type SiteAssociations, type StationMemo } from "./stations";
import { linkSignal, newSiteRuntime, nodeUp, siteTables, type SiteRuntime, type SiteTables } from "./topology";
import { SimulatedRunner, type SimulatedRunnerOptions } from "./runner";
import { NodeConfig } from "./uci-config";
import { addInterference } from "./survey";
import { NodeViews } from "./views";
import type { SimLink, SimNode, SimStation } from "./types";

export interface WorldOptions extends Omit<BuildOptions, "startMs"> {
  /** The world's start (ms since the epoch); default 2026-01-01T00:00:00Z. */
  startMs?: number;
  scenario?: Scenario;
  /** Directory for per-node UCI files (`<root>/<node>/wireless|network|firewall`); none by default. */
  configRoot?: string;
  /**
   * Slow fading of what the radios measure (dB, default 0: none): each link's signal and
   * expected throughput wander up to this much around the distance value (over minutes,
   * with per-minute jitter), as on real links. Paths and routes use the distance value.
   */
  fadingDb?: number;
}

/** A route that changes next hop (or disappears) periodically from `atMs` on. */
export interface Flap {
  node: number;
  prefix: string;
  startMs: number;
  periodMs: number;
  count: number;
}

/** What the world reports to its host (the fleet restarts agents on reboots). */
export type WorldEvent = SimEvent & { at: number };

export const DEFAULT_START_MS = Date.UTC(2026, 0, 1);

/**
 * The simulated mesh. No timers inside: the host moves time with `advance(ms)` or
 * `at(nowMs)`; scripted events fire as time passes them; every output is computed on
 * demand from the model and the time, so the same seed, events and times give the same
 * text.
 */
export class World {
  readonly model: WorldModel;
  readonly startMs: number;
  readonly flaps: Flap[] = [];
  readonly configs: NodeConfig[] | null;
  readonly fadingDb: number;
  #now: number;
  #revision = 0;
  /** The last node's views (one at a time: nothing per node outlives its cycle). */
  #views: NodeViews | null = null;
  #pending: SimEvent[] = [];
  readonly #sites: SiteRuntime[];
  readonly #assoc: AssociationCache[];
  readonly #memos = new Map<number, StationMemo>();
  readonly #byId = new Map<string, SimNode>();
  readonly #listeners = new Set<(e: WorldEvent) => void>();

  constructor(opts: WorldOptions) {
    this.startMs = opts.startMs ?? DEFAULT_START_MS;
    this.fadingDb = opts.fadingDb ?? 0;
    this.model = buildWorld({ ...opts, startMs: this.startMs });
    this.#now = this.startMs;
    for (const n of this.model.nodes) this.#byId.set(n.id, n);
    this.#sites = this.model.sites.map((s) => newSiteRuntime(s));
    this.#assoc = this.model.sites.map(() => ({ current: null, staticAp: new Map() }));
    this.configs = opts.configRoot === undefined ? null : this.model.nodes.map((n) => new NodeConfig(this, n, opts.configRoot!));
    if (opts.scenario) this.schedule(...opts.scenario.events);
  }

  get now(): number {
    return this.#now;
  }

  /** Counts applied events and touches: what a node sees at a time can only change with it. */
  get revision(): number {
    return this.#revision;
  }

  /** Moves time forward by `ms`, firing scripted events on the way. */
  advance(ms: number): void {
    this.at(this.#now + ms);
  }

  /** Moves time to `nowMs` (never backwards), firing scripted events on the way. */
  at(nowMs: number): void {
    if (nowMs < this.#now) return;
    while (this.#pending.length > 0 && this.startMs + this.#pending[0]!.atMs <= nowMs) {
      const e = this.#pending.shift()!;
      const t = this.startMs + e.atMs;
      this.#now = Math.max(this.#now, t);
      this.apply(e, t);
    }
    this.#now = nowMs;
  }

  /** Adds events (validated names); they fire when time reaches their `atMs`. */
  schedule(...events: SimEvent[]): void {
    for (const e of events) this.check(e);
    this.#pending.push(...events);
    this.#pending.sort((p, q) => p.atMs - q.atMs);
  }

  /** Listens to applied events; returns an unsubscribe. */
  onEvent(listener: (e: WorldEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The CommandRunner of one node (answers at the world's current time). */
  runnerFor(nodeId: string, opts?: SimulatedRunnerOptions): SimulatedRunner {
    return new SimulatedRunner(this, nodeId, opts);
  }

  nodeIds(): string[] {
    return this.model.nodes.map((n) => n.id);
  }

  node(id: string): SimNode {
    const n = this.#byId.get(id);
    if (!n) throw new ConfigError(`unknown simulated node ${JSON.stringify(id)}`);
    return n;
  }

  isUp(id: string, t = this.#now): boolean {
    return nodeUp(this.node(id), t);
  }

  link(a: string, b: string): SimLink {
    const l = linkBetween(this.model, this.node(a).index, this.node(b).index);
    if (!l) throw new ConfigError(`${a} and ${b} are out of radio range of each other`);
    return l;
  }

  station(ref: string): SimStation {
    const m = /^(.+)\/(\d+)$/.exec(ref);
    if (m) {
      const node = this.node(m[1]!);
      const perNode = this.model.stations.length / this.model.nodes.length;
      const s = this.model.stations[node.index * perNode + Number(m[2])];
      if (s && Number(m[2]) < perNode) return s;
    } else {
      const s = this.model.stations.find((x) => x.mac === ref.toLowerCase());
      if (s) return s;
    }
    throw new ConfigError(`unknown station ${JSON.stringify(ref)}`);
  }

  /** Link signal right now (dBm, before display noise), or null when there is no usable link. */
  signal(a: string, b: string, t = this.#now): number | null {
    return linkSignal(this.model, this.link(a, b), t);
  }

  tables(node: SimNode, t = this.#now): SiteTables {
    return siteTables(this.model, this.model.sites[node.site]!, this.#sites[node.site]!, t);
  }

  /** What `node` sees at `t`, shared by every command asked about it at that time. */
  viewsAt(node: SimNode, t = this.#now): NodeViews {
    const v = this.#views;
    if (v && v.node === node && v.t === t && v.revision === this.#revision) return v;
    return (this.#views = new NodeViews(this, node, t, this.#revision));
  }

  siteRuntime(node: SimNode): SiteRuntime {
    return this.#sites[node.site]!;
  }

  associations(node: SimNode, t = this.#now): SiteAssociations {
    return siteAssociations(this.model, this.model.sites[node.site]!, this.#memos, this.#assoc[node.site]!, t, this.startMs);
  }

  /** Marks a node's site as changed (e.g. after its configuration moved its radio). */
  touch(node: SimNode, t = this.#now): void {
    this.#revision++;
    this.model.sites[node.site]!.version++;
    for (const id of node.links) {
      const l = this.model.links[id]!;
      l.changedAt = t;
      l.generation++;
    }
  }

  private check(e: SimEvent): void {
    if ("a" in e) this.link(e.a, e.b);
    if ("node" in e) this.node(e.node);
    if (e.type === "flapRoute" && !e.prefix.includes("/")) this.node(e.prefix);
    if (e.type === "roamStation") {
      this.station(e.station);
      this.node(e.toNode);
    }
  }

  private apply(e: SimEvent, t: number): void {
    this.#revision++;
    switch (e.type) {
      case "degradeLink": {
        const l = this.link(e.a, e.b);
        const from = linkSignal(this.model, { ...l, override: l.override, cut: false }, t) ?? l.baseSignal;
        l.override = { fromSignal: from, toSignal: e.toSignal, startMs: t, overMs: e.overMs };
        this.#sites[this.model.nodes[l.a]!.site]!.overridden.add(l.id);
        break;
      }
      case "cutLink":
      case "restoreLink": {
        const l = this.link(e.a, e.b);
        l.cut = e.type === "cutLink";
        l.override = null;
        l.changedAt = t;
        l.generation++;
        const site = this.model.nodes[l.a]!.site;
        this.#sites[site]!.overridden.delete(l.id);
        this.model.sites[site]!.version++;
        break;
      }
      case "rebootNode": {
        const n = this.node(e.node);
        n.downFrom = t;
        n.downUntil = t + e.downMs;
        n.bootAt = t + e.downMs;
        for (const id of n.links) {
          this.model.links[id]!.changedAt = n.bootAt;
          this.model.links[id]!.generation++;
        }
        break;
      }
      case "roamStation": {
        const s = this.station(e.station);
        const to = this.node(e.toNode);
        s.moves.push({ at: t, x: to.x + 3, y: to.y + 3 });
        break;
      }
      case "flapRoute": {
        const n = this.node(e.node);
        const prefix = e.prefix.includes("/") ? e.prefix : this.node(e.prefix).prefix;
        this.flaps.push({ node: n.index, prefix, startMs: t, periodMs: e.periodMs, count: e.count });
        break;
      }
      case "interference": {
        const n = this.node(e.node);
        addInterference(this, { node: n.index, from: t, until: t + e.overMs, busy: e.busyPct / 100, noiseDb: e.noiseDb });
        break;
      }
      case "setChannel": {
        const n = this.node(e.node);
        n.meshChannel = e.channel;
        this.touch(n, t);
        this.configs?.[n.index]?.writeWireless();
        break;
      }
    }
    for (const l of this.#listeners) l({ ...e, at: t });
  }
}
