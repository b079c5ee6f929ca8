import { MAX_MESSAGE_BYTES, type Snapshot } from "@meshfleet/shared";
import { fitSnapshot } from "./snapshot";
import { WireEncoder } from "./wire-encoder";
import type { Publisher } from "../publish/types";

export type OutboxEntry =
  | { kind: "snapshot"; subject: string; msgId: string; snapshot: Snapshot }
  | { kind: "message"; subject: string; msgId: string; data: Uint8Array };

const encoder = new TextEncoder();
/** The controller's limit, with headroom for NATS headers (Nats-Msg-Id) under max_payload. */
const MAX_BYTES = MAX_MESSAGE_BYTES - 4096;

/**
 * The agent's outage buffer: everything it publishes goes through here, strictly in
 * order. Bounded: when full, the oldest snapshot is dropped (job statuses are kept
 * ahead of snapshots) and the count travels in the next snapshot's `dropped` field:
 * a snapshot's `dropped` is exactly the gap in seq before it. The head, once a publish
 * of it has started, is never dropped until the broker acknowledges it: a publish that
 * timed out may still have been stored (a stalled broker, a lost ack), and counting it
 * as dropped would report a gap that is not there (a buffer of one may so hold two).
 */
export class Outbox {
  readonly #capacity: number;
  readonly #entries: OutboxEntry[] = [];
  /** Drops not yet reported in a queued snapshot. */
  #unreported = 0;
  #totalDropped = 0;
  #draining: Promise<number> | null = null;
  /** The head once a publish of it has started, until acknowledged: it may be at the broker, so it is never dropped. */
  #attempted: OutboxEntry | null = null;

  readonly #encoder: WireEncoder;

  /** `encoder`: how snapshots go on the wire (default plain JSON, as protocol version 1). */
  constructor(capacity: number, encoder: WireEncoder = new WireEncoder("json")) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("buffer size must be a positive integer");
    this.#capacity = capacity;
    this.#encoder = encoder;
  }

  /** After a (re)connect: the next snapshot is a keyframe (the broker may have lost the last one). */
  resetEncoding(): void {
    this.#encoder.reset();
  }

  get size(): number {
    return this.#entries.length;
  }
  get totalDropped(): number {
    return this.#totalDropped;
  }
  /** Snapshots dropped and not yet reported (the next snapshot will carry them). */
  get unreported(): number {
    return this.#unreported;
  }

  #makeRoom(): void {
    while (this.#entries.length >= this.#capacity) {
      let i = this.#entries.findIndex((e) => e.kind === "snapshot" && e !== this.#attempted);
      if (i === -1) i = this.#entries[0] === this.#attempted ? 1 : 0;
      if (i >= this.#entries.length) return;
      const [gone] = this.#entries.splice(i, 1);
      if (gone?.kind === "snapshot") {
        // The next snapshot in seq order announces the gap (plus what the dropped one
        // was itself announcing), so `dropped` always equals the seq gap before it.
        const carried = 1 + gone.snapshot.dropped;
        const next = this.#entries.slice(i).find((e) => e.kind === "snapshot");
        if (next?.kind === "snapshot") next.snapshot.dropped += carried;
        else this.#unreported += carried;
        this.#totalDropped += 1;
      }
    }
  }

  /** Queues a snapshot; sets its `dropped` to the drops not yet reported. */
  pushSnapshot(subject: string, snapshot: Snapshot): void {
    this.#makeRoom();
    snapshot.dropped = this.#unreported;
    this.#unreported = 0;
    this.#entries.push({ kind: "snapshot", subject, msgId: `${snapshot.node}:${snapshot.boot}:${snapshot.seq}`, snapshot });
  }

  pushMessage(subject: string, msgId: string, payload: unknown): void {
    this.#makeRoom();
    this.#entries.push({ kind: "message", subject, msgId, data: encoder.encode(JSON.stringify(payload)) });
  }

  /**
   * Publishes queued entries oldest first until one fails (it stays at the head) or the
   * queue is empty. Concurrent calls share one drain. Resolves with how many went out.
   */
  drain(publisher: Publisher, timeoutMs: number): Promise<number> {
    if (this.#draining) return this.#draining;
    this.#draining = this.#drain(publisher, timeoutMs).finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  async #drain(publisher: Publisher, timeoutMs: number): Promise<number> {
    let sent = 0;
    while (this.#entries.length > 0 && publisher.connected) {
      const head = this.#entries[0]!;
      // A retry may be encoded differently (a keyframe after a reconnect): it decodes to the
      // same snapshot, and the broker keeps whichever attempt it stored first (same msgId).
      const encoded = head.kind === "snapshot" ? this.#encoder.encode(head.snapshot, fitSnapshot(head.snapshot, MAX_BYTES)) : null;
      const data = encoded ? encoded.data : (head as { data: Uint8Array }).data;
      this.#attempted = head;
      try {
        const ack = await publisher.publish(head.subject, data, { msgId: head.msgId, timeoutMs, ...(encoded?.headers ? { headers: encoded.headers } : {}) });
        if (encoded) this.#encoder.acknowledged(encoded, ack);
      } catch {
        // Stays attempted: retried first, with the same msgId, so the broker stores it once.
        return sent;
      }
      this.#attempted = null;
      if (this.#entries[0] === head) this.#entries.shift();
      sent++;
    }
    return sent;
  }
}
