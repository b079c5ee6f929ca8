import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PROTOCOL_VERSION, type Alert } from "@meshfleet/shared";
import type { Timers } from "../src/notify/dispatcher";

/** An alert for tests: node-<id> offline, critical, open. */
export const testAlert = (id: number, over: Partial<Alert> = {}): Alert => ({
  type: "alert",
  v: PROTOCOL_VERSION,
  id: String(id),
  code: "node_offline",
  subject: `node:node-${id}`,
  node: `node-${id}`,
  severity: "critical",
  state: "open",
  openedAt: 1_700_000_000_000 + id,
  resolvedAt: null,
  summary: `node-${id} sent no snapshot since 2023-11-14T22:13:20.000Z`,
  evidence: { eventIds: [id], scores: [] },
  ...over,
});


export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A local HTTP receiver (a real node:http server): records every POST, answers with the
 * queued statuses (then 200), and lets a test wait until n requests arrived.
 */
export class Receiver {
  readonly got: Received[] = [];
  statuses: number[] = [];
  private server: Server | null = null;
  private waiters: { n: number; resolve: () => void }[] = [];
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c.toString()));
      req.on("end", () => {
        this.got.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(b) as unknown });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end();
        for (const w of this.waiters.filter((x) => this.got.length >= x.n)) w.resolve();
        this.waiters = this.waiters.filter((x) => this.got.length < x.n);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `n` requests in total have arrived. */
  waitFor(n: number): Promise<void> {
    if (this.got.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  on(path: string): Received[] {
    return this.got.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Timers a test fires by hand (and a clock that moves with them). */
export class ManualTimers implements Timers {
  nowMs = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.nowMs + ms, fn });
    return id;
  }
  clear(h: unknown): void {
    this.due.delete(h as number);
  }
  /** Delays of the timers waiting now, relative to the clock. */
  pending(): number[] {
    return [...this.due.values()].map((d) => d.at - this.nowMs);
  }
  /** Moves the clock to the earliest timer and runs it. */
  fireNext(): void {
    const [id, d] = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (id === undefined || !d) throw new Error("no timer waiting");
    this.due.delete(id);
    this.nowMs = Math.max(this.nowMs, d.at);
    d.fn();
  }
}
