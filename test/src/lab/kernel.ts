import { must } from "./exec";

/**
 * The kernel as referee: what each namespace's IPv6 routing table says about a prefix,
 * polled with `ip -6 route`. A prefix is reachable when its best (lowest metric) route is
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

/** Pure: the state of each prefix in `ip -6 -j route show` output. */
export function kernelStates(json: string, prefixes: readonly string[]): Record<string, KernelState> {
  const routes = JSON.parse(json === "" ? "[]" : json) as IpRoute[];
  const out: Record<string, KernelState> = {};
  for (const p of prefixes) {
    const best = routes.filter((r) => r.dst === p).sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0))[0];
    if (!best || (best.type !== undefined && best.type !== "unicast")) out[p] = LOST;
    else if (best.nexthops) out[p] = best.nexthops.map((h) => hop(h.gateway, h.dev)).sort().join(",");
    else out[p] = hop(best.gateway, best.dev);
  }
  return out;
}

export const isLost = (s: KernelState): boolean => s === LOST;

/** Polls every node's kernel table and keeps the changes (a timeline per node and prefix). */
export class KernelReferee {
  readonly changes: KernelChange[] = [];
  /** Per node, the prefixes it learns (not its own) and their current state. */
  readonly current = new Map<string, Record<string, KernelState>>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private lastPoll = 0;
  polls = 0;

  constructor(
    private readonly nodes: readonly { id: string; ns: string; prefixes: readonly string[] }[],
    readonly everyMs = 200,
  ) {}

  async poll(): Promise<void> {
    const at = Date.now();
    const tables = await Promise.all(this.nodes.map((n) => must(["ip", "-n", n.ns, "-6", "-j", "route", "show"])));
    for (const [i, n] of this.nodes.entries()) {
      const next = kernelStates(tables[i]!, n.prefixes);
      const prev = this.current.get(n.id);
      if (prev) for (const p of n.prefixes) if (prev[p] !== next[p]) this.changes.push({ node: n.id, prefix: p, before: prev[p]!, after: next[p]!, from: this.lastPoll, at });
      this.current.set(n.id, next);
    }
    this.lastPoll = at;
    this.polls += 1;
  }

  start(): void {
    const tick = () => {
      this.polling = this.poll().finally(() => {
        this.polling = null;
        if (this.timer) this.timer = setTimeout(tick, this.everyMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
  }

  /** Changes in [t0, t1] (by the poll that saw them). */
  between(t0: number, t1: number): KernelChange[] {
    return this.changes.filter((c) => c.at >= t0 && c.at <= t1);
  }

  /** Waits until no kernel table changed for `quietMs`; returns the time of the last change after `since` (or `since` when none). */
  async settled(since: number, quietMs: number, timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const last = this.changes.filter((c) => c.at >= since).at(-1)?.at ?? since;
      // Only polls started after this call count: what the caller just saw is in them.
      if (this.lastPoll > t0 && this.lastPoll - last >= quietMs) return last;
      if (Date.now() - t0 > timeoutMs) throw new Error(`the kernel tables did not settle within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
