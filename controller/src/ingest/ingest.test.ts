import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { deflateJson, subjects, TELEMETRY_STREAM, WIRE_ENCODINGS, WIRE_HEADERS } from "@meshfleet/shared";
import { openStore, FakeClock, type Store } from "../store/index";
import { RecordingLogger } from "../log";
import { Registry } from "../metrics/registry";
import { Ingest } from "./ingest";
import { ingestMetrics } from "./metrics";
import { buildHello, buildSnapshot } from "../../testing";
import type { IngestItem } from "./decode";

const enc = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

describe("ingest (real nats-server, real SQLite)", () => {
  let srv: RunningNatsServer;
  let nc: NatsConnection;
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let ingest: Ingest;
  const log = new RecordingLogger();
  const registry = new Registry();
  const seen: IngestItem[] = [];
  let failWrites = false;

  beforeAll(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    dir = tempDir("mf-ingest-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(1_800_000_000_000) });
    ingest = new Ingest({ nc, store, clock: store.clock, log, metrics: ingestMetrics(registry), batchMax: 50, retryDelayMs: 300 });
    ingest.onTransaction(() => {
      if (failWrites) throw new Error("SQLITE_FULL: database or disk is full");
    });
    ingest.onCommitted((items) => {
      seen.push(...items);
    });
    await ingest.start();
  });
  afterAll(async () => {
    await ingest?.stop();
    await nc?.close();
    store?.close();
    await srv?.dispose();
    dir?.cleanup();
  });

  it("creates the stream with age and size limits and a durable explicit-ack consumer", async () => {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(TELEMETRY_STREAM);
    expect(info.config.subjects).toEqual(["mf.tel.*", "mf.hello.*", "mf.jobstatus.*"]);
    expect(info.config.max_age).toBe(24 * 3600 * 1e9);
    expect(info.config.max_bytes).toBe(1024 ** 3);
    // a queue whose acknowledged messages nobody else's traffic can evict, and nobody can purge
    expect(info.config.retention).toBe("workqueue");
    expect(info.config.discard).toBe("new");
    expect(info.config.max_msgs_per_subject).toBe(1000);
    expect(info.config.discard_new_per_subject).toBe(true);
    expect(info.config.max_msg_size).toBe(1024 * 1024 + 4096);
    expect(info.config.deny_delete).toBe(true);
    expect(info.config.deny_purge).toBe(true);
    const c = await jsm.consumers.info(TELEMETRY_STREAM, "meshfleet-controller");
    expect(c.config.ack_policy).toBe("explicit");
  });

  it("stores valid snapshots and hellos, drops duplicates, rejects and counts invalid ones without blocking", async () => {
    const js = jetstream(nc);
    await js.publish(subjects.hello("ap-1"), enc(buildHello({ node: "ap-1", ts: 1, macs: ["02:00:00:00:aa:01"] })));
    for (let seq = 1; seq <= 5; seq++) await js.publish(subjects.telemetry("ap-1"), enc(buildSnapshot({ node: "ap-1", seq, ts: seq * 10_000 })));
    // duplicate of seq 3 (an agent re-sending after a lost publish ack)
    await js.publish(subjects.telemetry("ap-1"), enc(buildSnapshot({ node: "ap-1", seq: 3, ts: 30_000 })));
    // hostile and broken messages
    await js.publish(subjects.telemetry("ap-1"), enc("{not json"));
    await js.publish(subjects.telemetry("ap-1"), enc({ type: "snapshot", node: "ap-1" }));
    await js.publish(subjects.telemetry("ap-2"), enc(buildSnapshot({ node: "ap-1", seq: 99, ts: 99 })));
    await js.publish(subjects.telemetry("ap-1"), enc({ ...buildSnapshot({ node: "ap-1", seq: 98, ts: 98 }), v: 99 }));
    await js.publish(subjects.telemetry("ap-1"), new Uint8Array(1024 * 1024 + 10).fill(32));
    // a valid one behind the bad ones still gets in
    await js.publish(subjects.telemetry("ap-1"), enc(buildSnapshot({ node: "ap-1", seq: 6, ts: 60_000 })));

    await waitFor(async () => (await store.telemetry.stateOf("ap-1"))?.seq === 6, { what: "seq 6 stored" });
    expect((await store.rowCounts()).raw_snapshots).toBe(6);
    expect(ingest.stats.accepted).toBe(7);
    expect(ingest.stats.duplicates).toBe(1);
    expect(ingest.stats.rejected).toEqual({ not_json: 1, invalid: 1, node_mismatch: 1, unsupported_version: 1, too_large: 1 });
    expect(await store.nodes.resolveMac("02:00:00:00:aa:01")).toBe("ap-1");
    expect(seen.map((i) => (i.kind === "snapshot" ? `s${i.msg.seq}` : i.kind))).toEqual(["hello", "s1", "s2", "s3", "s4", "s5", "s6"]);
    const text = await registry.render();
    expect(text).toContain('meshfleet_ingest_rejected_total{reason="node_mismatch"} 1');
    // One observation per committed batch, one per accepted snapshot (its delay from publish to commit).
    expect(text).toContain(`meshfleet_ingest_batch_duration_seconds_count ${ingest.stats.batches}`);
    expect(text).toContain("meshfleet_ingest_publish_to_store_seconds_count 6");
    expect(text).toContain('meshfleet_ingest_publish_to_store_seconds_bucket{le="+Inf"} 6');
    expect(text).toContain('meshfleet_ingest_messages_total{kind="snapshot",result="duplicate"} 1');
    expect(text).toContain('meshfleet_ingest_messages_total{kind="snapshot",result="accepted"} 6');
    const warn = log.entries.find((e) => e.obj.reason === "node_mismatch");
    expect(warn?.obj.error).toBe("message for node ap-1 arrived on the subject of node ap-2");
    // every message was acknowledged or terminated: nothing pending for redelivery
    await waitFor(async () => (await ingest.lag()).ackPending === 0, { what: "no ack pending" }).catch((e) => { throw new Error(`${String(e)} ${JSON.stringify(ingest.stats)}`); });
    expect(ingest.stats.pending).toBe(0);
  });

  it("stops acknowledging while the store cannot commit, reports it, and resumes without loss", async () => {
    const js = jetstream(nc);
    failWrites = true;
    for (let seq = 1; seq <= 4; seq++) await js.publish(subjects.telemetry("ap-9"), enc(buildSnapshot({ node: "ap-9", seq, ts: seq * 10_000 })));
    await waitFor(() => ingest.stats.storeErrors >= 2, { what: "failed commits (redelivered after the retry delay)" });
    expect(ingest.lastStoreError).toBe("SQLITE_FULL: database or disk is full");
    expect(await store.telemetry.stateOf("ap-9")).toBeNull();
    expect((await ingest.lag()).ackPending).toBeGreaterThan(0);
    failWrites = false;
    await waitFor(async () => (await store.telemetry.stateOf("ap-9"))?.seq === 4, { what: "ap-9 stored after the store recovered" });
    expect((await store.telemetry.range("ap-9", 0, 100_000)).map((r) => r.seq).sort()).toEqual([1, 2, 3, 4]);
    expect(ingest.lastStoreError).toBeNull();
    await waitFor(async () => (await ingest.lag()).ackPending === 0, { what: "everything acknowledged" });
  });

  it("writes a marked keyframe in its batch's transaction: nothing of it while the store fails, stored once it commits", async () => {
    const js = jetstream(nc);
    const h = headers();
    h.set(WIRE_HEADERS.encoding, WIRE_ENCODINGS.deflate);
    h.set(WIRE_HEADERS.keyframe, "1");
    failWrites = true;
    const errors = ingest.stats.storeErrors;
    const ack = await js.publish(subjects.telemetry("ap-7"), deflateJson(JSON.stringify(buildSnapshot({ node: "ap-7", boot: "boot-0007", seq: 1, ts: 10_000 }))), { headers: h });
    await waitFor(() => ingest.stats.storeErrors >= errors + 2, { what: "the keyframe's batch failed twice" });
    expect(await store.keyframes.bySnapshot("ap-7", "boot-0007", 1)).toBeNull();
    failWrites = false;
    await waitFor(async () => (await store.telemetry.stateOf("ap-7"))?.seq === 1, { what: "ap-7 stored after the store recovered" });
    expect(await store.keyframes.bySnapshot("ap-7", "boot-0007", 1)).toMatchObject({ nodeId: "ap-7", boot: "boot-0007", seq: 1, streamSeq: ack.seq });
  });
});
