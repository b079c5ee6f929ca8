import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { subjects, TELEMETRY_STREAM } from "@meshfleet/shared";
import { openStore, FakeClock, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { Ingest, type IngestOptions } from "./ingest";
import { ingestMetrics } from "./metrics";
import { buildHello, buildSnapshot } from "../../testing";

const T0 = 1_800_000_000_000;
/** One consumer (the stream is a work queue), created by the first test with a 2 s ack wait: held messages outlive it (in-progress acks). */
const DURABLE = "mf-durable-every";

/** `durableEveryMs`: batches share the store's open transaction; their messages are acknowledged when it commits. */
describe("ingest durable every (real nats-server, real SQLite)", () => {
  let srv: RunningNatsServer;
  let nc: NatsConnection;
  let dir: ReturnType<typeof tempDir>;
  const opened: { store: Store; other: Database.Database }[] = [];
  const open = (durable: string) => {
    const clock = new FakeClock(T0);
    const file = `${dir.path}/${durable}.sqlite`;
    const store = openStore({ file, clock });
    const other = new Database(file, { readonly: true });
    opened.push({ store, other });
    /** node_state's seq as another connection sees it: what is committed. */
    const committedSeq = (node: string) => (other.prepare("SELECT seq FROM node_state WHERE node_id = ?").pluck().get(node) as number | undefined) ?? null;
    return { clock, file, store, committedSeq };
  };
  const ingestOf = (c: NatsConnection, store: Store, clock: FakeClock, o: Partial<IngestOptions> = {}) =>
    new Ingest({ nc: c, store, clock, log: silentLogger, metrics: ingestMetrics(new Registry()), durable: DURABLE, commitWindowMs: 1000, durableEveryMs: 60_000, ackWaitMs: 2000, ...o });
  const ackPending = async () => (await (await jetstreamManager(nc)).consumers.info(TELEMETRY_STREAM, DURABLE)).num_ack_pending;
  /** A store with an ingest started on it. */
  const running = async (durable: string) => {
    const o = open(durable);
    const ingest = ingestOf(nc, o.store, o.clock);
    await ingest.start();
    return { ...o, ingest };
  };
  /** Until this connection (the API's) reads the node's snapshot `seq`. */
  const readable = (store: Store, node: string, seq: number, timeoutMs?: number) => waitFor(async () => (await store.telemetry.stateOf(node))?.seq === seq, { what: `${node} seq ${seq} readable`, timeoutMs });
  const publish = (node: string, seq: number) => jetstream(nc).publish(subjects.telemetry(node), JSON.stringify(buildSnapshot({ node, seq, ts: T0 + seq * 10_000 })));

  beforeAll(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    dir = tempDir("mf-durable-every-");
  });
  afterAll(async () => {
    await nc?.close();
    for (const o of opened) {
      o.other.close();
      o.store.close();
    }
    await srv?.dispose();
    dir?.cleanup();
  });

  it("the API reads each batch at once; its messages stay unacknowledged until the transaction is a minute old and the next batch commits it", async () => {
    const { clock, store, committedSeq, ingest } = await running("mf-durable-1");
    for (let seq = 1; seq <= 3; seq++) {
      await publish("ap-1", seq);
      await readable(store, "ap-1", seq);
      clock.advance(10_000);
    }
    // Counted (stats, metrics) when committed.
    expect(ingest.stats).toMatchObject({ accepted: 0, batches: 0 });
    expect(committedSeq("ap-1")).toBeNull();
    expect(await ackPending()).toBe(3);

    clock.advance(40_000); // the transaction is now 60 s old
    await publish("ap-1", 4);
    await waitFor(async () => (await ackPending()) === 0, { what: "all four acknowledged" });
    expect(committedSeq("ap-1")).toBe(4);
    expect(ingest.stats).toMatchObject({ accepted: 4, batches: 4 });
    await ingest.stop();
  });

  it("a hello commits at once, with the batches held before it", async () => {
    const { store, committedSeq, ingest } = await running("mf-durable-2");
    await publish("ap-2", 1);
    await readable(store, "ap-2", 1);
    expect(committedSeq("ap-2")).toBeNull();
    await jetstream(nc).publish(subjects.hello("ap-3"), JSON.stringify(buildHello({ node: "ap-3", ts: T0 })));
    await waitFor(async () => (await ackPending()) === 0, { what: "the snapshot and the hello acknowledged" });
    expect(committedSeq("ap-2")).toBe(1);
    await ingest.stop();
  });

  it("stop commits what is held and acknowledges it", async () => {
    const { store, committedSeq, ingest } = await running("mf-durable-3");
    await publish("ap-4", 1);
    await readable(store, "ap-4", 1);
    await ingest.stop();
    expect(committedSeq("ap-4")).toBe(1);
    await waitFor(async () => (await ackPending()) === 0, { what: "acknowledged at stop" });
  });

  it("a controller that dies with a held transaction loses it; its messages come back after the ack wait and are stored then", async () => {
    const a = open("mf-durable-4");
    const ncA = await connect({ servers: srv.url });
    const ingestA = ingestOf(ncA, a.store, a.clock);
    await ingestA.start();
    for (let seq = 1; seq <= 2; seq++) await publish("ap-5", seq);
    await readable(a.store, "ap-5", 2);
    // Dies: no commit, no acknowledgement (closing the connection rolls the open transaction back).
    await ncA.close();
    (a.store.db as unknown as { $client: Database.Database }).$client.close();
    expect(a.committedSeq("ap-5")).toBeNull();

    const store = openStore({ file: a.file, clock: a.clock });
    opened.push({ store, other: new Database(a.file, { readonly: true }) });
    const ingestB = ingestOf(nc, store, a.clock, { durableEveryMs: 0 });
    await ingestB.start();
    await readable(store, "ap-5", 2, 15_000); // seq 1 and 2 redelivered and stored
    expect((await store.telemetry.range("ap-5", 0, Infinity)).map((r) => r.seq)).toEqual([1, 2]);
    await waitFor(async () => (await ackPending()) === 0, { what: "acknowledged once stored" });
    await ingestB.stop();
  });
});
