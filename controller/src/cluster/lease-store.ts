import type { NatsConnection } from "@nats-io/transport-node";
import { nanos } from "@nats-io/transport-node";
import { DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { CLUSTER_BUCKET, clusterKeys } from "@meshfleet/shared";
import { z } from "zod";
import type { WriteOutcome } from "./lease";

/** nats-server's "wrong last sequence": the conditional write found another revision. */
const WRONG_LAST_SEQUENCE = 10071;

const STREAM = `KV_${CLUSTER_BUCKET}`;

const entrySchema = z.object({ holder: z.string().max(128) });

/** A key's current entry: who holds it ("" once released) and its revision. */
export interface LeaseEntry {
  holder: string;
  revision: number;
}

/**
 * The controllers' KV bucket (`meshfleet-cluster`, a JetStream stream under the KV
 * conventions, so `nats kv get meshfleet-cluster leader` shows who leads): one entry per
 * key, entries expire after the TTL, every write is conditional on the revision the
 * writer last saw (KV `create` / `update`).
 */
export class LeaseStore {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /** Creates the bucket if missing (its TTL is fixed at creation; an existing bucket keeps its own). */
  static async open(nc: NatsConnection, o: { ttlMs: number; replicas: number }): Promise<{ store: LeaseStore; ttlMs: number }> {
    const jsm = await jetstreamManager(nc);
    let ttlNs: number;
    try {
      ttlNs = (await jsm.streams.info(STREAM)).config.max_age;
    } catch {
      const info = await jsm.streams.add({
        name: STREAM,
        subjects: [clusterKeys.all],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        max_msgs_per_subject: 1,
        max_age: nanos(o.ttlMs),
        discard: DiscardPolicy.New,
        allow_rollup_hdrs: true,
        deny_delete: true,
        num_replicas: o.replicas,
      });
      ttlNs = info.config.max_age;
    }
    return { store: new LeaseStore(jetstream(nc), jsm), ttlMs: Math.round(ttlNs / 1e6) };
  }

  /** The key's entry, or null when it never existed or expired. */
  async read(key: string): Promise<LeaseEntry | null> {
    const m = await this.jsm.streams.getMessage(STREAM, { last_by_subj: clusterKeys.subject(key) });
    if (!m) return null;
    const parsed = entrySchema.safeParse(safeJson(m.string()));
    return { holder: parsed.success ? parsed.data.holder : "", revision: m.seq };
  }

  /** Writes `holder` into the key if its revision is still `expected` (0: the key must be absent). */
  async write(key: string, holder: string, expected: number): Promise<WriteOutcome> {
    try {
      const ack = await this.js.publish(clusterKeys.subject(key), JSON.stringify({ holder }), { expect: { lastSubjectSequence: expected }, timeout: 2000 });
      return { ok: true, revision: ack.seq };
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return { ok: false, reason: "taken" };
      return { ok: false, reason: "unreachable" };
    }
  }

  /** Takes the key when it is absent or released; `taken` when someone holds it. */
  async acquire(key: string, holder: string): Promise<WriteOutcome> {
    let cur: LeaseEntry | null;
    try {
      cur = await this.read(key);
    } catch {
      return { ok: false, reason: "unreachable" };
    }
    if (cur && cur.holder !== "" && cur.holder !== holder) return { ok: false, reason: "taken" };
    return this.write(key, holder, cur?.revision ?? 0);
  }

  /** The ids of the members whose `member.<id>` entry is alive (written within the TTL, not released). */
  async members(): Promise<string[]> {
    const info = await this.jsm.streams.info(STREAM, { subjects_filter: clusterKeys.members });
    const prefix = clusterKeys.members.slice(0, -1);
    const out: string[] = [];
    for (const subject of Object.keys(info.state.subjects ?? {})) {
      const id = subject.slice(prefix.length);
      const e = await this.read(clusterKeys.member(id));
      if (e && e.holder === id) out.push(id);
    }
    return out.sort();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
