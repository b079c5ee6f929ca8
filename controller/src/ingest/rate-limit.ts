/**
 * Per-node rate limit at ingest: a token bucket per node, refilled by the time the broker
 * stored each message (not the time the ingest sees it), so a backlog drained after a
 * controller outage is judged by when it was sent. Pure: no clock, no timers.
 */
export interface NodeRate {
  /** Sustained messages per second a node may send (snapshots, hellos, job status together). */
  perSecond: number;
  /** Messages a node may send at once above that (an agent's buffer flushed after an outage). */
  burst: number;
}

/** An agent sends a snapshot every 10 s by default, plus hellos and job status: 5/s leaves room. */
export const DEFAULT_NODE_RATE: NodeRate = { perSecond: 5, burst: 600 };

/** A node is called calm again after this long without an over-rate message (broker time). */
export const FLOOD_CALM_MS = 60_000;

export type FloodEvent = { type: "flooding"; node: string; atMs: number; dropped: number } | { type: "calm"; node: string; atMs: number; dropped: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

interface Flood {
  sinceMs: number;
  lastMs: number;
  dropped: number;
}

export class NodeRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly floods = new Map<string, Flood>();
  /** Over-rate messages per node since the start. */
  readonly dropped = new Map<string, number>();

  constructor(private readonly rate: NodeRate = DEFAULT_NODE_RATE) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1)) throw new Error(`invalid node rate ${JSON.stringify(rate)}`);
  }

  /** Whether `node`'s message stored by the broker at `atMs` is within its rate; events when a node starts flooding. */
  take(node: string, atMs: number): { ok: boolean; events: FloodEvent[] } {
    const b = this.buckets.get(node) ?? { tokens: this.rate.burst, atMs };
    const t = Math.max(atMs, b.atMs);
    b.tokens = Math.min(this.rate.burst, b.tokens + ((t - b.atMs) / 1000) * this.rate.perSecond);
    b.atMs = t;
    this.buckets.set(node, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, events: [] };
    }
    this.dropped.set(node, (this.dropped.get(node) ?? 0) + 1);
    const f = this.floods.get(node);
    if (f) {
      f.lastMs = Math.max(f.lastMs, atMs);
      f.dropped++;
      return { ok: false, events: [] };
    }
    this.floods.set(node, { sinceMs: atMs, lastMs: atMs, dropped: 1 });
    return { ok: false, events: [{ type: "flooding", node, atMs, dropped: 1 }] };
  }

  /** Nodes that flooded and have sent nothing over the rate for FLOOD_CALM_MS before `nowMs` (broker time). */
  calm(nowMs: number): FloodEvent[] {
    const out: FloodEvent[] = [];
    for (const [node, f] of this.floods) {
      if (nowMs - f.lastMs < FLOOD_CALM_MS) continue;
      this.floods.delete(node);
      out.push({ type: "calm", node, atMs: nowMs, dropped: f.dropped });
    }
    return out;
  }

  /** Nodes flooding now, with what they had dropped so far in this episode. */
  flooding(): { node: string; sinceMs: number; dropped: number }[] {
    return [...this.floods].map(([node, f]) => ({ node, sinceMs: f.sinceMs, dropped: f.dropped })).sort((a, b) => (a.node < b.node ? -1 : 1));
  }
}
