import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { must } from "./exec";

/**
 * The kernel as referee: what each namespace's IPv6 routing table says about a prefix
 * (`ip -6 route`, read again whenever `ip -6 monitor route` reports a change). A prefix is reachable when its best (lowest metric) route is
 * a unicast route; `unreachable`/`blackhole`/`prohibit` routes (what BIRD and babeld
 * install for a retraction) and no route at all are "lost".
 */
export type KernelState = string; // "lost" | "via <addr>%<dev>" | "dev <dev>" (several next hops: sorted, comma-separated)

export interface KernelChange {
  node: string;
  prefix: string;
  before: KernelState;
  after: KernelState;
  /** The previous poll (the change happened after it)... */
  from: number;
  /** ...and the poll that saw it. */
  at: number;
}

interface IpRoute {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  nexthops?: { gateway?: string; dev?: string }[];
}

const LOST = "lost";
const hop = (gw: string | undefined, dev: string | undefined) => (gw ? `via ${gw.toLowerCase()}%${dev ?? ""}` : `dev ${dev ?? "?"}`);

function stateOf(routes: Iterable<IpRoute>, prefix: string): KernelState {
  const best = [...routes].filter((r) => r.dst === prefix).sort((a, b) => (a.metric ?? 1024) - (b.metric ?? 1024))[0];
  if (!best || (best.type !== undefined && best.type !== "unicast")) return LOST;
  if (best.nexthops) return best.nexthops.map((h) => hop(h.gateway, h.dev)).sort().join(",");
  return hop(best.gateway, best.dev);
}

/** Pure: the state of each prefix in `ip -6 -j route show` output. */
export function kernelStates(json: string, prefixes: readonly string[]): Record<string, KernelState> {
  const routes = JSON.parse(json === "" ? "[]" : json) as IpRoute[];
  return Object.fromEntries(prefixes.map((p) => [p, stateOf(routes, p)]));
}

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
  const at = (k: string) => {
    const i = t.indexOf(k);
    return i >= 0 ? t[i + 1] : undefined;
  };
  const metric = at("metric");
  return { deleted, route: { dst, ...(type ? { type } : {}), gateway: at("via"), dev: at("dev"), ...(metric !== undefined ? { metric: Number(metric) } : {}) } };
}

export const isLost = (s: KernelState): boolean => s === LOST;

interface Watched {
  id: string;
  ns: string;
  prefixes: readonly string[];
  monitor: ChildProcess | null;
  /** The poll running for this node, and whether another one is wanted after it. */
  inflight: Promise<void> | null;
  again: boolean;
  lastPoll: number;
}

/**
 * Follows every node's kernel table by polling `ip -6 -j route show`: every `everyMs`, and at
 * once whenever `ip -6 monitor route` in the namespace reports a change to a followed prefix
 * (so a loss that lasts longer than one `ip` call is seen, not only those spanning a poll).
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
  /** Polls the monitor triggered. */
  triggered = 0;

  constructor(nodes: readonly { id: string; ns: string; prefixes: readonly string[] }[], readonly everyMs = 1000) {
    this.watched = nodes.map((n) => ({ ...n, monitor: null, inflight: null, again: false, lastPoll: 0 }));
  }

  /** Reads one node's table and records what changed since its last read. */
  private pollNode(w: Watched): Promise<void> {
    if (w.inflight) {
      w.again = true;
      return w.inflight;
    }
    w.inflight = (async () => {
      do {
        w.again = false;
        const json = await must(["ip", "-n", w.ns, "-6", "-j", "route", "show"]);
        const at = Date.now();
        const next = kernelStates(json, w.prefixes);
        const prev = this.current.get(w.id);
        if (prev) for (const p of w.prefixes) if (prev[p] !== next[p]) this.changes.push({ node: w.id, prefix: p, before: prev[p]!, after: next[p]!, from: w.lastPoll, at });
        this.current.set(w.id, next);
        w.lastPoll = at;
      } while (w.again);
    })().finally(() => {
      w.inflight = null;
    });
    return w.inflight;
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
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const m = monitorLine(line);
        if (!m || !w.prefixes.includes(m.route.dst)) return;
        this.triggered += 1;
        this.pollNode(w).catch(() => undefined);
      });
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
    for (const w of this.watched) w.monitor?.kill("SIGTERM");
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
