import type { NatsConnection } from "@nats-io/transport-node";
import type { JsMsg } from "@nats-io/jetstream";
import type { FloodEvent, NodeRate } from "./rate-limit";
import type { StoreApi, Clock } from "../store/index";
import type { Logger } from "../log";
import type { IngestItem } from "./decode";
import type { IngestMetrics } from "./metrics";
import type { ClockSkewEvent, ClockSkewOptions } from "./clock-skew";

/* The ingest's options, listener types, the two JetStream message helpers it uses and its CPU clock. */

export type FloodListener = (e: FloodEvent) => void;
export type ClockSkewListener = (e: ClockSkewEvent) => void;
export type CommittedListener = (items: readonly IngestItem[]) => void | Promise<void>;

export interface IngestOptions {
  nc: NatsConnection;
  /** SQLite or PostgreSQL: the ingest only writes through the async store interface. */
  store: StoreApi;
  clock: Clock;
  log: Logger;
  metrics: IngestMetrics;
  /** Durable consumer name (controllers sharing it split the work). */
  durable?: string;
  /** Most messages written per transaction. */
  batchMax?: number;
  /**
   * Group commit: a message waits up to this long (ms) for others to share its transaction,
   * unless `batchMax` messages are waiting already; acknowledged after that commit, as
   * always. Fewer, larger commits write far fewer database pages (an SD card's wear) at the
   * cost of this much more delay before the API and detection see a snapshot. 0: commit
   * what has arrived at once. Must stay well below the consumer's ack wait.
   */
  commitWindowMs?: number;
  /**
   * The commit window also ends as soon as this many messages wait (at most `batchMax`).
   * A fleet that fills a commit this fast gains little from a longer wait (the pages a commit
   * writes are shared by this many snapshots already), while each message would wait longer
   * and each commit would hold the event loop longer (API answers wait for it). A home mesh
   * (a few snapshots per window) never reaches it. Default 100.
   */
  commitWindowMessages?: number;
  /**
   * Durable every (ms): a batch of snapshots that its commit window's time ended (with a
   * window, fewer than `commitWindowMessages`: a quiet fleet) may join the transaction the
   * store holds open (SQLite, `StoreApi.transaction` with `hold`) until it is this old; this connection's
   * reads (the API, detection) see each batch at once, and its messages are acknowledged
   * when that transaction commits (a crash loses it; its messages come back after the ack
   * wait). A batch with a hello or a job status commits it at once. Held messages get an
   * in-progress ack every third of the ack wait. 0: every batch commits.
   */
  durableEveryMs?: number;
  /** Most messages delivered and not yet acknowledged. */
  maxAckPending?: number;
  /** Stream limits, used when the stream is created. */
  streamMaxAgeMs?: number;
  streamMaxBytes?: number;
  /** Messages one subject (one node's telemetry, hello or job status) may have waiting. */
  streamMaxMsgsPerSubject?: number;
  maxMessageBytes?: number;
  /** Delay before a batch the store could not commit is redelivered. */
  retryDelayMs?: number;
  /** Redelivery of a message delivered but not acknowledged (e.g. the controller died), when the consumer is created. */
  ackWaitMs?: number;
  /** Stream replicas: a number, or "auto" (3 when the server is part of a cluster, else 1). */
  replicas?: number | "auto";
  /** Per-node rate limit (by the broker's store time); none: no limit. */
  nodeRate?: NodeRate | null;
  /** JetStream domains of site leaf nodes whose site stream the telemetry stream sources. */
  sites?: readonly string[];
  /**
   * When a node's clock is not trusted (`clock-skew.ts`): its timestamps are corrected and
   * `clock_skew` opens. None (the default, for tests with made-up timestamps): timestamps
   * are stored as sent; `serve` turns it on.
   */
  clockSkew?: ClockSkewOptions | null;
  /**
   * Several controllers (issue 18): the stream's subjects are partitioned and `start`
   * consumes nothing; the cluster coordinator `attach`es the consumers of the partitions
   * (and, on the leader, the job statuses) this controller holds. None: one shared durable.
   */
  partitions?: number | null;
}

export const DEFAULT_DURABLE = "meshfleet-controller";

/** When the broker stored the message (ms); the ingest's rate limit runs on this time. */
export function storedAtMs(m: JsMsg): number {
  try {
    return Math.floor(Number(m.info.timestampNanos) / 1e6);
  } catch {
    return 0;
  }
}

/** Acknowledges (or not) without throwing: on a closed connection the server redelivers anyway. */
export function settleMsg(m: JsMsg, how: "ack" | "nak" | "term", delayMs?: number): void {
  try {
    if (how === "ack") m.ack();
    else if (how === "nak") m.nak(delayMs);
    else m.term();
  } catch {
    // connection closed: unacknowledged messages come back after the ack wait
  }
}

/** The process's CPU time so far (ms, user + system): what the ingest's stage figures add up (immune to the machine's load). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
