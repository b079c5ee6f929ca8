import type { JsMsg } from "@nats-io/jetstream";
import type { StoreApi } from "../store/index";
import { settleMsg as settle } from "./ingest-options";

export interface HeldAcksOptions {
  store: StoreApi;
  /** How long the store's transaction may stay open (`IngestOptions.durableEveryMs`; 0: never). */
  everyMs: number;
  ackWaitMs: number;
  /** Most messages held at once (a quarter of max_ack_pending: the consumer keeps delivering meanwhile). */
  maxHeld: number;
  retryDelayMs: number;
}

/** One batch's messages, settled when the transaction holding their writes ends. */
export interface HeldBatch {
  /** For `writeBatch`: acknowledges (committed) or hands back (rolled back) the messages. */
  settled: (committed: boolean) => void;
  /** The batch's transaction returned: until `settled`, its messages are held. */
  written: () => void;
  /** `settled` ran. */
  readonly done: boolean;
}

/**
 * The messages whose writes are in the transaction the store holds open (`durableEveryMs`):
 * acknowledged when it commits, handed back (nak) if it rolls back. While any are held, the
 * store is told to commit within `everyMs` of wall time even if no batch comes, and they
 * get an in-progress ack (`working`, which restarts the ack wait) every third of the ack
 * wait, since a message may be held longer than the ack wait.
 */
export class HeldAcks {
  private readonly held = new Set<JsMsg>();
  /** When the first held batch was written (ingest clock), or null. */
  private since: number | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  private progressTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: HeldAcksOptions) {}

  /** Messages held now. */
  get size(): number {
    return this.held.size;
  }

  /** Whether a batch of `n` messages written at `now` may leave the store's transaction open. */
  mayHold(now: number, n: number, onlySnapshots: boolean): boolean {
    return this.o.everyMs > 0 && onlySnapshots && (this.since === null || now - this.since < this.o.everyMs) && this.held.size + n <= this.o.maxHeld;
  }

  /** Tracks a batch's messages (written at `now`). */
  batch(msgs: readonly JsMsg[], now: number): HeldBatch {
    let done = false;
    return {
      settled: (committed) => {
        done = true;
        for (const m of msgs) {
          this.held.delete(m);
          settle(m, committed ? "ack" : "nak", committed ? undefined : this.o.retryDelayMs);
        }
        if (this.held.size === 0) this.clear();
      },
      written: () => {
        if (done) return;
        for (const m of msgs) this.held.add(m);
        this.since ??= now;
        // A failed commit has handed the messages back already (`settled(false)`).
        this.commitTimer ??= setTimeout(() => void this.o.store.commitHeld().catch(() => undefined), this.o.everyMs).unref();
        this.progressTimer ??= setInterval(() => {
          for (const m of this.held) {
            try {
              m.working();
            } catch {
              // connection closed: the message comes back after the ack wait, as any unacknowledged one
            }
          }
        }, Math.max(1000, Math.floor(this.o.ackWaitMs / 3))).unref();
      },
      get done() {
        return done;
      },
    };
  }

  private clear(): void {
    this.since = null;
    if (this.commitTimer) clearTimeout(this.commitTimer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.commitTimer = null;
    this.progressTimer = null;
  }
}
