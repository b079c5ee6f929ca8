import type { JsMsg } from "@nats-io/jetstream";
import type { StoreApi } from "../store/index";
import { settleMsg as settle } from "./ingest-options";
import type { WriteResult } from "./writer";

export interface HeldAcksOptions {
  store: StoreApi;
  /** How long the store's transaction may stay open (`IngestOptions.durableEveryMs`; 0: never). */
  everyMs: number;
  ackWaitMs: number;
  /** Most messages held at once (1,000, at most a quarter of max_ack_pending: the consumer keeps delivering meanwhile, and a larger commit holds the event loop longer). */
  maxHeld: number;
  retryDelayMs: number;
  /** The held transaction a batch was written into rolled back (a failed commit): its messages were handed back. */
  rolledBack: (error: string) => void;
}

/** One batch's messages, settled when the transaction holding their writes ends. */
export interface HeldBatch {
  /** For `writeBatch`: acknowledges and counts (committed) or hands back (rolled back) the messages. */
  settled: (committed: boolean, results: readonly WriteResult[], error?: Error) => void;
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

  /**
   * Whether a batch of `n` messages written at `now` may leave the store's transaction open:
   * `small` (only snapshots, and fewer than fill a commit: a quiet fleet, whose commits are
   * what wears its disk; a busy one's batches fill their commits and commit as before).
   */
  mayHold(now: number, n: number, small: boolean): boolean {
    return this.o.everyMs > 0 && small && (this.since === null || now - this.since < this.o.everyMs) && this.held.size + n <= this.o.maxHeld;
  }

  /**
   * Tracks a batch's messages (written at `now`, ingest clock; begun at `t0`, performance
   * clock): `committed(results, seconds)` once durable, with the seconds from `t0` to the
   * end of its own transaction (a held batch's time in the held transaction left out).
   */
  batch(msgs: readonly JsMsg[], now: number, t0: number, committed: (results: readonly WriteResult[], seconds: number) => void): HeldBatch {
    let done = false;
    let writtenAt: number | null = null;
    return {
      settled: (ok, results, error) => {
        done = true;
        if (ok) committed(results, ((writtenAt ?? performance.now()) - t0) / 1000);
        // A batch still in its own transaction fails with it (`writeBatch` rejects); a held one fails here.
        else if (writtenAt !== null) this.o.rolledBack(error?.message ?? "the held transaction was rolled back");
        for (const m of msgs) {
          this.held.delete(m);
          settle(m, ok ? "ack" : "nak", ok ? undefined : this.o.retryDelayMs);
        }
        if (this.held.size === 0) this.clear();
      },
      written: () => {
        writtenAt = performance.now();
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
