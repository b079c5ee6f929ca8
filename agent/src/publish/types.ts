/**
 * What the agent needs from the broker. One Publisher is one NATS connection; many
 * agents may share one (simulated fleet, benchmark) — each agent keeps its own
 * outage buffer, boot id and seq.
 */
export interface PublishOptions {
  /** JetStream de-duplication id (`node:boot:seq`), so a retried publish is stored once. */
  msgId?: string;
  /** Give up waiting for the JetStream ack after this many ms (default 5000). */
  timeoutMs?: number;
  /** NATS headers (the wire encoding of a compact snapshot, `WIRE_HEADERS`). */
  headers?: Readonly<Record<string, string>>;
}

/** What the broker said: the stream sequence the message has, and whether it was already there. */
export interface PublishAck {
  seq: number;
  duplicate: boolean;
}

export interface Publisher {
  /** True when a publish can be attempted now (connected, not reconnecting, not closed). */
  readonly connected: boolean;
  /**
   * Publishes to JetStream and waits for the ack. Rejects fast when not connected, and
   * within `timeoutMs` when no ack arrives; never hangs. Resolves with the ack when the
   * implementation knows it (delta snapshots need it: they name their keyframe's stream seq).
   */
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<PublishAck | void>;
  /** Calls `listener` on every (re)connect, the first one included. Returns an unsubscribe. */
  onConnect(listener: () => void): () => void;
  /** A core NATS publish (no JetStream, no ack); dropped when not connected. Optional for test publishers. */
  publishCore?(subject: string, data: Uint8Array): void;
  /** A core NATS subscription that survives reconnects. Returns an unsubscribe. */
  subscribe(subject: string, handler: (data: Uint8Array) => void): () => void;
  /** Flushes and closes the connection. */
  close(): Promise<void>;
}
