import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, headers as natsHeaders, nkeyAuthenticator, type NatsConnection, type Subscription, type TlsOptions } from "@nats-io/transport-node";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import { ConfigError, ERROR_CODES, MeshfleetError, toWireError } from "@meshfleet/shared";
import type { Log } from "../log/types";
import { silentLog } from "../log/types";
import type { PublishAck, PublishOptions, Publisher } from "./types";

export interface NatsPublisherOptions {
  servers: readonly string[];
  /** A `.creds` file (JWT + nkey seed). */
  credsFile?: string;
  /** An nkey seed file (`meshfleet-controller enroll` writes one per node). Never logged. */
  nkeySeedFile?: string;
  /** Reply inbox prefix; with per-node permissions `_INBOX_<node>` (JetStream acks arrive there). */
  inboxPrefix?: string;
  user?: string;
  /** Never logged. */
  password?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Connection name shown by the server (`meshfleet-agent r1`). */
  name?: string;
  /** Wait between connection attempts (default 2000 ms). */
  reconnectWaitMs?: number;
  /** Default timeout for a publish ack (default 5000 ms). */
  publishTimeoutMs?: number;
  log?: Log;
}

interface Sub {
  subject: string;
  handler: (data: Uint8Array) => void;
  live: Subscription | null;
}

/**
 * One NATS connection with JetStream publishing. Construction returns at once and
 * connects in the background, retrying forever: an agent that starts while the broker
 * is down collects and buffers until it comes. nats.js handles reconnects after the
 * first connect; `connected` follows its status events, and publishes while not
 * connected fail at once (so the agent's buffer, not the client, holds the backlog).
 */
export class NatsPublisher implements Publisher {
  readonly #o: NatsPublisherOptions;
  readonly #log: Log;
  #creds: Uint8Array | null = null;
  #seed: Uint8Array | null = null;
  #nc: NatsConnection | null = null;
  #js: JetStreamClient | null = null;
  #up = false;
  readonly #stop = { stopped: false };
  /** Cuts the wait between connection attempts short (close()). */
  #wake: (() => void) | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #subs = new Set<Sub>();
  /** Resolves when the background connect loop has ended. */
  readonly #loop: Promise<void>;

  constructor(opts: NatsPublisherOptions) {
    if (opts.servers.length === 0) throw new MeshfleetError(ERROR_CODES.config, "no NATS server given");
    this.#o = opts;
    if (opts.credsFile) {
      try {
        this.#creds = readFileSync(opts.credsFile);
      } catch (e) {
        throw new ConfigError(`nats.credsFile: cannot read ${opts.credsFile}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (opts.nkeySeedFile) {
      try {
        this.#seed = new TextEncoder().encode(readFileSync(opts.nkeySeedFile, "utf8").trim());
      } catch (e) {
        throw new ConfigError(`nats.nkeySeedFile: cannot read ${opts.nkeySeedFile}: ${(e as Error).message}`, { cause: e });
      }
    }
    this.#log = (opts.log ?? silentLog).child({ component: "nats" });
    this.#loop = this.#connectLoop();
  }

  get connected(): boolean {
    return this.#up && this.#nc !== null && !this.#nc.isClosed();
  }

  /** The name of the server this connection is on (a cluster member), null when not connected. */
  get serverName(): string | null {
    return this.connected ? (this.#nc?.info?.server_name ?? null) : null;
  }

  async #connectLoop(): Promise<void> {
    const o = this.#o;
    let attempt = 0;
    while (!this.#stop.stopped) {
      try {
        const nc = await connect({
          servers: [...o.servers],
          name: o.name ?? "meshfleet-agent",
          maxReconnectAttempts: -1,
          reconnectTimeWait: o.reconnectWaitMs ?? 2000,
          reconnectJitter: 100,
          timeout: 5000,
          pingInterval: 30_000,
          ...(this.#creds ? { authenticator: credsAuthenticator(this.#creds) } : {}),
          ...(this.#seed ? { authenticator: nkeyAuthenticator(this.#seed) } : {}),
          ...(o.inboxPrefix ? { inboxPrefix: o.inboxPrefix } : {}),
          ...(o.user !== undefined ? { user: o.user, pass: o.password ?? "" } : {}),
          ...(o.tls ? { tls: o.tls satisfies TlsOptions } : {}),
        });
        if (this.#stop.stopped) {
          await nc.close();
          return;
        }
        this.#nc = nc;
        this.#js = jetstream(nc, { timeout: o.publishTimeoutMs ?? 5000 });
        for (const s of this.#subs) this.#attach(s);
        void this.#watch(nc);
        this.#setUp(true);
        return;
      } catch (e) {
        attempt += 1;
        if (attempt === 1 || attempt % 30 === 0) this.#log.warn({ event: "connect_failed", attempt, err: toWireError(e) }, "cannot reach NATS yet; retrying");
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, o.reconnectWaitMs ?? 2000);
          this.#wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.#wake = null;
      }
    }
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") {
        this.#up = false;
        this.#log.warn({ event: "disconnected" }, "NATS connection lost");
      } else if (s.type === "reconnect") {
        this.#setUp(true);
      } else if (s.type === "close") {
        this.#up = false;
      }
    }
  }

  #setUp(up: boolean): void {
    this.#up = up;
    if (!up) return;
    for (const l of [...this.#listeners]) {
      try {
        l();
      } catch (e) {
        this.#log.error({ event: "listener_failed", err: toWireError(e) }, "connect listener threw");
      }
    }
  }

  #attach(s: Sub): void {
    if (!this.#nc) return;
    s.live = this.#nc.subscribe(s.subject, {
      callback: (err, msg) => {
        if (err) {
          this.#log.warn({ event: "subscription_error", subject: s.subject, err: toWireError(err) }, "subscription error");
          return;
        }
        s.handler(msg.data);
      },
    });
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): Promise<PublishAck> {
    const js = this.#js;
    if (!this.connected || js === null) throw new MeshfleetError(ERROR_CODES.internal, "not connected to NATS");
    const timeoutMs = opts.timeoutMs ?? this.#o.publishTimeoutMs ?? 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MeshfleetError(ERROR_CODES.internal, `no JetStream ack within ${timeoutMs} ms`)), timeoutMs + 250);
    });
    let hdrs;
    if (opts.headers) {
      hdrs = natsHeaders();
      for (const [k, v] of Object.entries(opts.headers)) hdrs.set(k, v);
    }
    try {
      const ack = await Promise.race([js.publish(subject, data, { timeout: timeoutMs, ...(opts.msgId ? { msgID: opts.msgId } : {}), ...(hdrs ? { headers: hdrs } : {}) }), guard]);
      return { seq: ack.seq, duplicate: ack.duplicate };
    } finally {
      clearTimeout(timer);
    }
  }

  onConnect(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publishCore(subject: string, data: Uint8Array): void {
    const nc = this.#nc;
    if (!nc || nc.isClosed()) return;
    try {
      nc.publish(subject, data);
    } catch {
      // Not connected right now: core messages are not buffered (the controller times out).
    }
  }

  subscribe(subject: string, handler: (data: Uint8Array) => void): () => void {
    const s: Sub = { subject, handler, live: null };
    this.#subs.add(s);
    this.#attach(s);
    return () => {
      this.#subs.delete(s);
      s.live?.unsubscribe();
    };
  }

  async close(): Promise<void> {
    this.#stop.stopped = true;
    this.#wake?.();
    await this.#loop;
    const nc = this.#nc;
    this.#up = false;
    if (!nc || nc.isClosed()) return;
    try {
      await Promise.race([nc.flush(), new Promise((r) => setTimeout(r, 2000))]);
    } catch {
      // closing anyway
    }
    await nc.close();
  }
}
