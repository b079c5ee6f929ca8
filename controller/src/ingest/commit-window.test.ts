import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { subjects, TELEMETRY_STREAM } from "@meshfleet/shared";
import { openStore, FakeClock, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { Ingest } from "./ingest";
import { ingestMetrics } from "./metrics";
import { buildHello, buildSnapshot } from "../../testing";

const DURABLE = "mf-commit-window";

describe("ingest commit window (real nats-server, real SQLite)", () => {
  let srv: RunningNatsServer;
  let nc: NatsConnection;
  let dir: ReturnType<typeof tempDir>;
  let store: Store;

  beforeAll(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    dir = tempDir("mf-commit-window-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(1_800_000_000_000) });
  });
  afterAll(async () => {
    await nc?.close();
    store?.close();
    await srv?.dispose();
    dir?.cleanup();
  });

  it("refuses a window longer than half the ack wait", async () => {
    expect(() => new Ingest({ nc, store, clock: store.clock, log: silentLogger, metrics: ingestMetrics(new Registry()), commitWindowMs: 20_000, ackWaitMs: 30_000 })).toThrow(
      "the commit window (20000 ms) must be at most half the ack wait (30000 ms)",
    );
  });

  it("holds delivered messages unacknowledged until the window ends (here: stop), then writes them in one commit and acknowledges them", async () => {
    const ingest = new Ingest({ nc, store, clock: store.clock, log: silentLogger, metrics: ingestMetrics(new Registry()), durable: DURABLE, commitWindowMs: 60_000, ackWaitMs: 120_000 });
    await ingest.start();
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const delivered = async () => (await jsm.consumers.info(TELEMETRY_STREAM, DURABLE)).num_ack_pending;
    for (let seq = 1; seq <= 4; seq++) {
      await js.publish(subjects.telemetry("ap-1"), JSON.stringify(buildSnapshot({ node: "ap-1", seq, ts: seq * 10_000 })));
      // Delivered by the server and received by the ingest (the server counts a message as sent before the client has it).
      await waitFor(async () => (await delivered()) === seq && ingest.waiting === seq, { what: `seq ${seq} delivered and held` });
    }
    expect(await store.telemetry.stateOf("ap-1")).toBeNull();
    expect(ingest.stats.batches).toBe(0);

    await ingest.stop();
    expect((await store.telemetry.stateOf("ap-1"))?.seq).toBe(4);
    expect(ingest.stats).toMatchObject({ accepted: 4, batches: 1 });
    await nc.flush();
    await waitFor(async () => (await delivered()) === 0, { what: "all four acknowledged" });
  });

  it("messages that arrive while a batch is written wait for their own window, not the end of that batch", async () => {
    const ingest = new Ingest({ nc, store, clock: store.clock, log: silentLogger, metrics: ingestMetrics(new Registry()), durable: DURABLE, commitWindowMs: 60_000, ackWaitMs: 120_000, batchMax: 3 });
    const sizes: number[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    ingest.onCommitted(async (items) => {
      sizes.push(items.length);
      if (sizes.length === 1) await held; // the first batch is still being written
    });
    await ingest.start();
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const delivered = async () => (await jsm.consumers.info(TELEMETRY_STREAM, DURABLE)).num_ack_pending;
    const publish = (seq: number) => js.publish(subjects.telemetry("ap-2"), JSON.stringify(buildSnapshot({ node: "ap-2", seq, ts: seq * 10_000 })));
    for (let seq = 1; seq <= 3; seq++) await publish(seq);
    await waitFor(() => sizes.length === 1, { what: "the first batch (batchMax messages) committed" });
    await publish(4);
    await waitFor(async () => (await delivered()) === 1, { what: "seq 4 delivered during the first batch" });
    release();
    for (let seq = 5; seq <= 6; seq++) await publish(seq);
    await waitFor(async () => (await store.telemetry.stateOf("ap-2"))?.seq === 6, { what: "seq 6 stored" });
    await ingest.stop();
    expect(sizes).toEqual([3, 3]);
  });

  it("the window ends once commitWindowMessages wait (batchMax is larger): those commit, the next ones wait for their own window", async () => {
    const ingest = new Ingest({ nc, store, clock: store.clock, log: silentLogger, metrics: ingestMetrics(new Registry()), durable: DURABLE, commitWindowMs: 60_000, ackWaitMs: 120_000, commitWindowMessages: 3 });
    const sizes: number[] = [];
    ingest.onCommitted((items) => void sizes.push(items.length));
    await ingest.start();
    const js = jetstream(nc);
    const publish = (seq: number) => js.publish(subjects.telemetry("ap-5"), JSON.stringify(buildSnapshot({ node: "ap-5", seq, ts: seq * 10_000 })));
    for (let seq = 1; seq <= 2; seq++) await publish(seq);
    await waitFor(() => ingest.waiting === 2, { what: "two snapshots held" });
    expect(sizes).toEqual([]);
    await publish(3);
    await waitFor(() => sizes.length === 1, { what: "the third one ended the window" });
    expect((await store.telemetry.stateOf("ap-5"))?.seq).toBe(3);
    for (let seq = 4; seq <= 5; seq++) await publish(seq);
    await waitFor(() => ingest.waiting === 2, { what: "seq 4 and 5 held for their own window" });
    expect(sizes).toEqual([3]);
    await ingest.stop();
    expect(sizes).toEqual([3, 2]);
    expect((await store.telemetry.stateOf("ap-5"))?.seq).toBe(5);
  });

  it("a hello ends the window: it commits at once, with the snapshots waiting", async () => {
    const ingest = new Ingest({ nc, store, clock: store.clock, log: silentLogger, metrics: ingestMetrics(new Registry()), durable: DURABLE, commitWindowMs: 60_000, ackWaitMs: 120_000 });
    const sizes: number[] = [];
    ingest.onCommitted((items) => void sizes.push(items.length));
    await ingest.start();
    const js = jetstream(nc);
    for (let seq = 1; seq <= 2; seq++) await js.publish(subjects.telemetry("ap-3"), JSON.stringify(buildSnapshot({ node: "ap-3", seq, ts: seq * 10_000 })));
    await waitFor(() => ingest.waiting === 2, { what: "two snapshots held" });
    await js.publish(subjects.hello("ap-4"), JSON.stringify(buildHello({ node: "ap-4", ts: 30_000 })));
    await waitFor(() => sizes.length === 1, { what: "the hello committed" });
    expect(sizes).toEqual([3]);
    expect((await store.telemetry.stateOf("ap-3"))?.seq).toBe(2);
    await ingest.stop();
  });
});
