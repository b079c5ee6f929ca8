import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { must } from "./exec";

/**
 * The kernel as referee: what each namespace's IPv6 routing table says about a prefix
 * (`ip -6 monitor route` as each change happens, `ip -6 route` to start and to check). A prefix is reachable when its best (lowest metric) route is
 * a unicast route; `unreachable`/`blackhole`/`prohibit` routes (what BIRD and babeld
 * install for a retraction) and no route at all are "lost".
 */
export type KernelState = string; // "lost" | "via <addr>%<dev>" | "dev <dev>" (several next hops: sorted, comma-separated)

export interface KernelChange {
  node: string;
  prefix: string;
  before: KernelState;
  after: KernelState;
  /** Since when the old state was known (a poll's start, or the previous monitor record): the change happened after it... */
  from: number;
  /** ...and before this (the monitor record's arrival, or the end of the poll that saw it). */
  at: number;
}

export interface IpRoute {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  nexthops?: { gateway?: string; dev?: string; flags?: string[] }[];
}

const LOST = "lost";
const hop = (gw: string | undefined, dev: string | undefined) => (gw ? `via ${gw.toLowerCase()}%${dev ?? ""}` : `dev ${dev ?? "?"}`);

/** A multipath route's next hops the kernel still forwards over (not `dead`: their link is down). */
const liveHops = (r: IpRoute) => (r.nexthops ?? []).filter((h) => !(h.flags ?? []).includes("dead"));

export function stateOf(routes: Iterable<IpRoute>, prefix: string): KernelState {
  const usable = (r: IpRoute) => r.dst === prefix && (r.nexthops === undefined || liveHops(r).length > 0);
  const best = [...routes].filter(usable).sort((a, b) => (a.metric ?? 1024) - (b.metric ?? 1024))[0];
  if (!best || (best.type !== undefined && best.type !== "unicast")) return LOST;
  if (best.nexthops) return liveHops(best).map((h) => hop(h.gateway, h.dev)).sort().join(",");
  return hop(best.gateway, best.dev);
}

/** Pure: the state of each prefix in `ip -6 -j route show` output. */
export function kernelStates(json: string, prefixes: readonly string[]): Record<string, KernelState> {
  const routes = JSON.parse(json === "" ? "[]" : json) as IpRoute[];
  return Object.fromEntries(prefixes.map((p) => [p, stateOf(routes, p)]));
}

/** The word after `key` in an `ip` output line's words. */
const valueAfter = (words: readonly string[], key: string): string | undefined => {
  const i = words.indexOf(key);
  return i >= 0 ? words[i + 1] : undefined;
};

/**
 * Pure: one line of `ip -6 monitor route` (`[Deleted ][type ]dst [via gw] dev if ... metric m`)
 * as a route and whether it was deleted (the referee only needs its prefix); null for lines
 * that are not a route (multipath `nexthop` continuation lines, blank lines).
 */
export function monitorLine(line: string): { deleted: boolean; route: IpRoute } | null {
  const t = line.trim().split(/\s+/);
  const deleted = t[0] === "Deleted";
  if (deleted) t.shift();
  let type: string | undefined;
  if (["unreachable", "blackhole", "prohibit", "unicast", "local", "multicast", "anycast", "throw"].includes(t[0] ?? "")) type = t.shift();
  const dst = t.shift();
  if (!dst || !/^[0-9a-f:]+\/\d+$/i.test(dst)) return null;
  const at = (k: string) => valueAfter(t, k);
  const metric = at("metric");
  const table = at("table");
  if (table !== undefined && table !== "main") return null;
  return { deleted, route: { dst, ...(type ? { type } : {}), gateway: at("via"), dev: at("dev"), ...(metric !== undefined ? { metric: Number(metric) } : {}) } };
}

/** Pure: a multipath route's continuation line (`nexthop via gw dev if weight 1 [dead linkdown]`), or null. */
export function nexthopLine(line: string): { gateway?: string; dev?: string; flags: string[] } | null {
  const t = line.trim().split(/\s+/);
  if (t[0] !== "nexthop") return null;
  const at = (k: string) => valueAfter(t, k);
  return { gateway: at("via"), dev: at("dev"), flags: t.filter((x) => x === "dead" || x === "linkdown") };
}

/** One change `ip -6 monitor route` reported: a route line with its multipath `nexthop` lines. */
export interface MonitorRecord {
  deleted: boolean;
  route: IpRoute;
}

/**
 * Pure: a prefix's routes after one monitor record. The kernel keys an IPv6 route by its
 * metric, whatever its type (BIRD replaces an `unreachable` route by a unicast one of the same
 * metric, and the monitor prints only the new one): a route line adds or replaces the route
 * of its metric, `Deleted` removes it.
 */
export function applyRecord(routes: readonly IpRoute[], r: MonitorRecord): IpRoute[] {
  const key = (x: IpRoute) => x.metric ?? 1024;
  const rest = routes.filter((x) => key(x) !== key(r.route));
  return r.deleted ? rest : [...rest, r.route];
}

export const isLost = (s: KernelState): boolean => s === LOST;

interface Watched {
  id: string;
  ns: string;
  prefixes: readonly string[];
  monitor: ChildProcess | null;
  /** The followed prefixes' routes as the kernel last told us (a poll, then each monitor record). */
  routes: Map<string, IpRoute[]>;
  /** The monitor record being read (its `nexthop` lines may follow), and its flush timer. */
  pending: MonitorRecord | null;
  flushTimer: NodeJS.Timeout | null;
  /** The poll running for this node, and whether another one is wanted after it. */
  inflight: Promise<void> | null;
  again: boolean;
  /** Since when the table is known as `current` says (a poll's start, or a monitor record's arrival). */
  knownSince: number;
  /** When the last monitor record of a followed prefix arrived. */
  lastRecord: number;
}

/** How long a monitor record may wait for its `nexthop` lines (they come in the same read, or just after). */
const RECORD_FLUSH_MS = 30;

/**
 * Follows every node's kernel table: `ip -6 monitor route` in each namespace reports every
 * change as it happens (a loss and a return a millisecond apart are two changes), and
 * `ip -6 -j route show` reads the whole table at the start, every `everyMs` and after each
 * record, to catch anything the monitor's stream lost. A poll that a monitor record
 * overtook is read again instead of being believed.
 */
export class KernelReferee {
  readonly changes: KernelChange[] = [];
  /** Per node, the prefixes it learns (not its own) and their current state. */
  readonly current = new Map<string, Record<string, KernelState>>();
  private readonly watched: Watched[];
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private lastPoll = 0;
  polls = 0;
  /** Monitor records of followed prefixes. */
  triggered = 0;

  constructor(nodes: readonly { id: string; ns: string; prefixes: readonly string[] }[], readonly everyMs = 1000) {
    this.watched = nodes.map((n) => ({ ...n, monitor: null, routes: new Map(), pending: null, flushTimer: null, inflight: null, again: false, knownSince: 0, lastRecord: 0 }));
  }

  /** Records the prefixes whose state differs from what was known, at `at`; the table is known from `knownSince` on. */
  private update(w: Watched, at: number, knownSince: number): void {
    const next = Object.fromEntries(w.prefixes.map((p) => [p, stateOf(w.routes.get(p) ?? [], p)]));
    const prev = this.current.get(w.id);
    if (prev) for (const p of w.prefixes) if (prev[p] !== next[p]) this.changes.push({ node: w.id, prefix: p, before: prev[p]!, after: next[p]!, from: w.knownSince, at });
    this.current.set(w.id, next);
    w.knownSince = knownSince;
  }

  /** Reads one node's table and records what changed since it was last known. */
  private pollNode(w: Watched): Promise<void> {
    if (w.inflight) {
      w.again = true;
      return w.inflight;
    }
    w.inflight = (async () => {
      do {
        w.again = false;
        const started = Date.now();
        const routes = JSON.parse((await must(["ip", "-n", w.ns, "-6", "-j", "route", "show"])) || "[]") as IpRoute[];
        // A record that arrived while `ip` ran may be newer than what it printed: read again.
        if (w.lastRecord >= started) {
          w.again = true;
          continue;
        }
        for (const p of w.prefixes) w.routes.set(p, routes.filter((r) => r.dst === p));
        this.update(w, Date.now(), started);
      } while (w.again);
    })().finally(() => {
      w.inflight = null;
    });
    return w.inflight;
  }

  /** Applies the monitor record read so far. */
  private flush(w: Watched): void {
    if (w.flushTimer) clearTimeout(w.flushTimer);
    w.flushTimer = null;
    const r = w.pending;
    w.pending = null;
    if (!r || !w.prefixes.includes(r.route.dst)) return;
    const now = Date.now();
    this.triggered += 1;
    w.lastRecord = now;
    w.routes.set(r.route.dst, applyRecord(w.routes.get(r.route.dst) ?? [], r));
    this.update(w, now, now);
    this.pollNode(w).catch(() => undefined);
  }

  private onMonitorLine(w: Watched, line: string): void {
    const hop = nexthopLine(line);
    if (hop && w.pending) (w.pending.route.nexthops ??= []).push(hop);
    else {
      this.flush(w);
      w.pending = monitorLine(line);
    }
    if (w.pending && !w.flushTimer) w.flushTimer = setTimeout(() => this.flush(w), RECORD_FLUSH_MS);
  }

  async poll(): Promise<void> {
    await Promise.all(this.watched.map((w) => this.pollNode(w)));
    this.lastPoll = Date.now();
    this.polls += 1;
  }

  async start(): Promise<void> {
    for (const w of this.watched) {
      const child = spawn("ip", ["-n", w.ns, "-6", "monitor", "route"], { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, LC_ALL: "C" } });
      w.monitor = child;
      createInterface({ input: child.stdout! }).on("line", (line) => this.onMonitorLine(w, line));
    }
    // Let the monitors subscribe before the first table is read.
    await new Promise((r) => setTimeout(r, 300));
    await this.poll();
    const tick = () => {
      this.polling = this.poll().finally(() => {
        this.polling = null;
        if (this.timer) this.timer = setTimeout(tick, this.everyMs);
      });
    };
    this.timer = setTimeout(tick, this.everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
    for (const w of this.watched) {
      w.monitor?.kill("SIGTERM");
      if (w.flushTimer) clearTimeout(w.flushTimer);
    }
    for (const w of this.watched) if (w.inflight) await w.inflight;
  }

  /** Waits until no kernel table changed for `quietMs`; returns the time of the last change after `since` (or `since` when none). */
  async settled(since: number, quietMs: number, timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const last = this.changes.filter((c) => c.at >= since).at(-1)?.at ?? since;
      // Only polls after this call count: what the caller just saw is in them.
      if (this.lastPoll > t0 && Date.now() - last >= quietMs) return last;
      if (Date.now() - t0 > timeoutMs) throw new Error(`the kernel tables did not settle within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
