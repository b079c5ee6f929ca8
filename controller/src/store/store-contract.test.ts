import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHello, buildSnapshot } from "../../testing";
import { storeBackends } from "../../testing/store-backends";
import { FakeClock, HOUR_MS, MINUTE_MS, type RetentionConfig } from "./types";
import type { StoreApi } from "./store-api";
import type { StoredKeyframe } from "./keyframes-repo";
import { views } from "./views";
import { writeBatch } from "../ingest/writer";

/**
 * One suite, every store: what the controller relies on, run against SQLite (a file per
 * test) and PostgreSQL (a database `mf_test_<random>` per test, dropped after).
 */
const backends = await storeBackends("store contract");

const T0 = 1_800_000_000_000;
const PEER = "0a:11:22:33:00:00"; // station 0 of the builder

describe.each(backends)("store contract: $backend.name", ({ backend, skip }) => {
  let store: StoreApi;
  const clock = new FakeClock(T0);
  const opened: StoreApi[] = [];
  const open = async (retention?: Partial<RetentionConfig>) => {
    const s = await backend.open(clock, retention);
    opened.push(s);
    return s;
  };
  /** As the ingest writes a snapshot: true when stored, false for a duplicate. */
  const write = async (node: string, seq: number, ts: number, o: Parameters<typeof buildSnapshot>[0] = { node, seq, ts }) =>
    (await writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ ...o, node, seq, ts }) }], ts + 5))[0] === "accepted";

  beforeEach(async () => {
    if (skip) return;
    clock.set(T0);
    store = await open();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await backend.reset();
  });

  it.skipIf(skip)("writes a batch as row by row would: two snapshots of a node, a repeat within the batch and one stored before, a hello between", async () => {
    expect(await write("r1", 1, T0)).toBe(true);
    const snap = (node: string, seq: number, ts: number) => ({ kind: "snapshot" as const, msg: buildSnapshot({ node, seq, ts }) });
    const hello = { kind: "hello" as const, msg: buildHello({ node: "r2", ts: T0 + 11_000 }) };
    const batch = [snap("r1", 1, T0), snap("r1", 2, T0 + 10_000), snap("r2", 1, T0 + 10_000), hello, snap("r1", 3, T0 + 20_000), snap("r1", 2, T0 + 10_000), snap("r2", 2, T0 + 20_000)];
    expect(await writeBatch(store, batch, T0 + 25_000)).toEqual(["duplicate", "accepted", "accepted", "accepted", "accepted", "duplicate", "accepted"]);
    expect(await store.telemetry.stateOf("r1")).toMatchObject({ seq: 3, ts: T0 + 20_000, receivedAt: T0 + 25_000 });
    expect(await store.telemetry.stateOf("r2")).toMatchObject({ seq: 2, ts: T0 + 20_000 });
    expect((await store.telemetry.range("r1", 0, Number.MAX_SAFE_INTEGER)).map((r) => r.seq)).toEqual([1, 2, 3]);
    const latest = [(await store.telemetry.stateOf("r1"))!.rawId, (await store.telemetry.stateOf("r2"))!.rawId];
    expect((await store.telemetry.rawByIds([...latest, 987_654])).map((r) => `${r.nodeId}:${r.seq}`).sort()).toEqual(["r1:3", "r2:2"]);
    expect(await store.nodes.get("r2")).toMatchObject({ firstSeen: T0 + 25_000, lastSeen: T0 + 25_000, lastHelloAt: T0 + 25_000 });
  });

  it.skipIf(skip)("afterCommit: true once a batch committed (with hold too, once committed by commitHeld), false when it rolled back, at once outside a transaction", async () => {
    const ends: string[] = [];
    await writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node: "r1", seq: 1, ts: T0 }) }], T0 + 5, [], { settled: (ok, res) => ends.push(`1:${ok}:${res.join()}`) });
    await writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node: "r1", seq: 2, ts: T0 + 10_000 }) }], T0 + 10_005, [], { hold: true, settled: (ok) => ends.push(`2:${ok}`) });
    await store.commitHeld();
    const failing = writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node: "r1", seq: 3, ts: T0 + 20_000 }) }], T0 + 20_005, [() => Promise.reject(new Error("boom"))], { settled: (ok) => ends.push(`3:${ok}`) });
    await expect(failing).rejects.toThrow("boom");
    await store.transaction(async () => {
      await store.nodes.touch("r1", T0 + 30_000, null);
      store.afterCommit((ok) => ends.push(`4:${ok}`));
      throw new Error("no");
    }).catch(() => undefined);
    store.afterCommit((ok) => ends.push(`5:${ok}`));
    expect(ends).toEqual(["1:true:accepted", "2:true", "4:false", "5:true"]);
    expect((await store.telemetry.stateOf("r1"))?.seq).toBe(2);
  });

  it.skipIf(skip)("records hellos: node identity, MAC and address maps, in id order", async () => {
    await store.transaction(async () => {
      await store.nodes.applyHello(buildHello({ node: "ap-2", ts: 5, macs: ["02:AA:00:00:00:01", "02:aa:00:00:00:02"], linkLocal: ["fe80::a1"] }), 1000);
      await store.nodes.applyHello(buildHello({ node: "Ap-1", ts: 5, macs: ["02:aa:00:00:00:03"] }), 1000);
    });
    expect(await store.nodes.resolveMac("02:AA:00:00:00:01")).toBe("ap-2");
    expect(await store.nodes.resolveMac("02:aa:00:00:00:09")).toBeNull();
    expect(await store.nodes.resolveAddress("fe80::a1%mesh0")).toBe("ap-2");
    expect(await store.nodes.get("ap-2")).toMatchObject({ id: "ap-2", model: "GL.iNet GL-MT6000", release: "OpenWrt 23.05.3", firstSeen: 1000, intervalMs: 10_000 });
    expect((await store.nodes.get("ap-2"))!.capabilities).toEqual(["stations", "mesh-paths", "bird", "nft"]);
    // Bytewise order, as SQLite sorts text: upper case first.
    expect((await store.nodes.list()).map((n) => n.id)).toEqual(["Ap-1", "ap-2"]);
    expect(await store.nodes.macsOf("ap-2")).toEqual([
      { mac: "02:aa:00:00:00:01", iface: "mesh0" },
      { mac: "02:aa:00:00:00:02", iface: "wlan1" },
    ]);
    expect([...(await store.nodes.macMap())].sort()).toEqual([
      ["02:aa:00:00:00:01", "ap-2"],
      ["02:aa:00:00:00:02", "ap-2"],
      ["02:aa:00:00:00:03", "Ap-1"],
    ]);
    expect([...(await store.nodes.addressMap())]).toEqual([["fe80::a1", "ap-2"]]);
    // A second hello replaces the MACs; a snapshot only touches.
    await store.transaction(() => store.nodes.applyHello(buildHello({ node: "ap-2", ts: 6, macs: ["02:aa:00:00:00:09"] }), 2000));
    await store.transaction(() => store.nodes.touch("ap-2", 1500, null));
    expect(await store.nodes.resolveMac("02:aa:00:00:00:01")).toBeNull();
    expect(await store.nodes.get("ap-2")).toMatchObject({ firstSeen: 1000, lastSeen: 2000, lastHelloAt: 2000 });
    await store.transaction(() => store.nodes.touch("ap-3", 2500, 5000));
    expect(await store.nodes.get("ap-3")).toMatchObject({ firstSeen: 2500, lastSeen: 2500, intervalMs: 5000, capabilities: [], tags: [] });
  });

  it.skipIf(skip)("a MAC on two interfaces of one hello (a bridge and its port) is stored once, the last one named", async () => {
    await store.transaction(() => store.nodes.applyHello(buildHello({ node: "ap-1", ts: 5, macs: ["02:aa:00:00:00:01", "02:AA:00:00:00:01"], linkLocal: ["fe80::1"] }), 1000));
    expect(await store.nodes.macsOf("ap-1")).toEqual([{ mac: "02:aa:00:00:00:01", iface: "wlan1" }]);
    expect(await store.nodes.addressesOf("ap-1")).toEqual([{ iface: "mesh0", address: "fe80::1" }]);
  });

  it.skipIf(skip)("writes last_seen lazily: a touch within five minutes is read back but leaves the row as written", async () => {
    const onDisk = async () => (await store.sql.query<{ v: number }>("SELECT last_seen AS v FROM nodes WHERE id = $1", ["ap-1"]))[0]?.v;
    await store.transaction(() => store.nodes.touchMany([{ id: "ap-1", intervalMs: 10_000 }], T0));
    await store.transaction(() => store.nodes.touchMany([{ id: "ap-1", intervalMs: 10_000 }], T0 + 60_000));
    expect(await onDisk()).toBe(T0);
    expect(await store.nodes.get("ap-1")).toMatchObject({ lastSeen: T0 + 60_000 });
    // Five minutes on, or a new interval, and the row is written again.
    await store.transaction(() => store.nodes.touchMany([{ id: "ap-1", intervalMs: 10_000 }], T0 + 300_000));
    expect(await onDisk()).toBe(T0 + 300_000);
    await store.transaction(() => store.nodes.touchMany([{ id: "ap-1", intervalMs: 5_000 }], T0 + 310_000));
    expect(await store.nodes.get("ap-1")).toMatchObject({ lastSeen: T0 + 310_000, intervalMs: 5_000 });
    expect(await onDisk()).toBe(T0 + 310_000);
  });

  it.skipIf(skip)("writes a snapshot once, keeps the newest as current state and computes counter rates", async () => {
    expect(await write("ap-1", 1, 10_000)).toBe(true);
    expect(await write("ap-1", 1, 10_000)).toBe(false);
    expect(await write("ap-1", 2, 20_000)).toBe(true);
    expect((await store.rowCounts()).raw_snapshots).toBe(2);
    const latest = (await store.telemetry.latest("ap-1"))!;
    expect(latest.state).toMatchObject({ nodeId: "ap-1", seq: 2, ts: 20_000, receivedAt: 20_005, stations: 20, peers: 0, meshPaths: 10, routes: 20, counters: 10, neighbors: 2, droppedTotal: 0 });
    expect(views.counters(latest.raw!.data)[0]).toEqual({ key: "rule:inet:fw4:input_wan:!fw4: rule-0", packets: 2, bytes: 2000, packetsPerSec: 0.1, bytesPerSec: 100 });
    // A late older snapshot is history only; within one boot the seq orders snapshots.
    expect(await write("ap-1", 3, 5_000, { node: "ap-1", seq: 3, ts: 5_000, boot: "boot-0000" })).toBe(true);
    expect((await store.telemetry.stateOf("ap-1"))!.seq).toBe(2);
    expect(await write("ap-1", 4, 15_000)).toBe(true);
    expect((await store.telemetry.stateOf("ap-1"))!).toMatchObject({ seq: 4, ts: 15_000 });
    expect((await store.telemetry.states()).map((s) => s.nodeId)).toEqual(["ap-1"]);
    expect((await store.telemetry.rawById(latest.state.rawId))!.seq).toBe(2);
    expect(await store.telemetry.rawById(987_654)).toBeNull();
  });

  it.skipIf(skip)("reads raw rows by range, at a time and newest first, oldest first in each answer", async () => {
    for (let i = 1; i <= 6; i++) await write("n", i, i * 10_000);
    await write("m", 1, 30_000);
    expect((await store.telemetry.range("n", 20_000, 50_000)).map((r) => r.seq)).toEqual([2, 3, 4]);
    expect((await store.telemetry.at("n", 45_000))!.seq).toBe(4);
    expect(await store.telemetry.at("n", 9_999)).toBeNull();
    expect((await store.telemetry.newest("n", 0, 60_001, 2)).map((r) => r.seq)).toEqual([5, 6]);
    expect((await store.telemetry.newest("n", 0, 60_000, 10)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const r = (await store.telemetry.range("m", 0, 100_000))[0]!;
    expect(r).toMatchObject({ nodeId: "m", boot: "boot-0001", seq: 1, ts: 30_000, receivedAt: 30_005 });
  });

  it.skipIf(skip)("treats a counter that went down as a reset, and rebuilds counter bases after a restart", async () => {
    await write("n", 1, 0, { node: "n", seq: 1, ts: 0, counterBytes: () => 50_000 });
    await write("n", 2, 10_000, { node: "n", seq: 2, ts: 10_000, counterBytes: () => 100 });
    await store.close();
    opened.splice(opened.indexOf(store), 1);
    store = await open();
    await write("n", 3, 20_000, { node: "n", seq: 3, ts: 20_000, counterBytes: () => 5_100 });
    expect((await store.telemetry.range("n", 0, 30_000)).map((r) => r.data.ct[0]![4])).toEqual([null, null, 500]);
  });

  it.skipIf(skip)("rolls a failed transaction back, counter bases included", async () => {
    await write("n", 1, 0);
    await expect(
      store.transaction(async () => {
        await store.telemetry.write(buildSnapshot({ node: "n", seq: 2, ts: 10_000 }), 2);
        await store.nodes.touch("other", 2, null);
        throw new Error("disk says no");
      }),
    ).rejects.toThrow("disk says no");
    expect((await store.rowCounts()).raw_snapshots).toBe(1);
    expect(await store.nodes.get("other")).toBeNull();
    await write("n", 2, 10_000);
    expect(views.counters((await store.telemetry.latest("n"))!.raw!.data)[1]).toMatchObject({ bytes: 4000, bytesPerSec: 200 });
  });

  it.skipIf(skip)("runs transactions one after another, a nested call joining its outer one", async () => {
    const order: string[] = [];
    await Promise.all([
      store.transaction(async () => {
        order.push("a1");
        await store.transaction(async () => {
          await store.nodes.touch("a", 1, null);
          order.push("a-nested");
        });
        await new Promise((r) => setTimeout(r, 5));
        order.push("a2");
      }),
      store.transaction(async () => {
        order.push("b");
        await store.nodes.touch("b", 1, null);
      }),
    ]);
    expect(order).toEqual(["a1", "a-nested", "a2", "b"]);
    expect((await store.nodes.list()).map((n) => n.id)).toEqual(["a", "b"]);
  });

  it.skipIf(skip)("rolls minutes and hours up, answers history from rollups and raw rows, prunes by age", async () => {
    store = await open({ rawMs: 48 * HOUR_MS, minuteMs: 2 * HOUR_MS, hourMs: 365 * 24 * HOUR_MS });
    let seq = 0;
    const put = (ts: number, signal: number) => write("n1", ++seq, ts, { node: "n1", seq, ts, signal, profile: { stations: 1 } });
    for (const [i, s] of [-40, -50, -60, -70, -44, -56].entries()) await put(T0 + i * 10_000, s);
    for (let i = 0; i < 6; i++) await put(T0 + MINUTE_MS + i * 10_000, -80);
    // Not before the minute ended plus the grace time (2 min).
    expect((await store.maintenance.run(T0 + 3 * MINUTE_MS + 59_999)).minuteBuckets).toBe(1);
    expect((await store.maintenance.run(T0 + 4 * MINUTE_MS)).minuteBuckets).toBe(1);
    expect((await store.rowCounts()).rollups_minute).toBe(2);
    expect(await store.maintenance.watermarks()).toEqual({ minute: T0 + 2 * MINUTE_MS, quarter: T0, hour: T0 });
    const q = { node: "n1", metric: "signal" as const, key: PEER, from: T0, to: T0 + 2 * MINUTE_MS };
    const minute = await store.history({ ...q, step: MINUTE_MS });
    expect(minute.source).toBe("minute");
    expect(minute.points).toEqual([
      { ts: T0, min: -70, avg: -53.333, max: -40, count: 6 },
      { ts: T0 + MINUTE_MS, min: -80, avg: -80, max: -80, count: 6 },
    ]);
    expect((await store.history({ ...q, step: 0 })).points).toHaveLength(12);
    // A late snapshot of a rolled-up minute asks for that minute again.
    await put(T0 + 30_001, -90);
    expect((await store.maintenance.run(T0 + 4 * MINUTE_MS)).minuteBuckets).toBe(2); // from the late minute on
    expect((await store.history({ ...q, to: T0 + MINUTE_MS, step: MINUTE_MS })).points).toEqual([{ ts: T0, min: -90, avg: -58.571, max: -40, count: 7 }]);
    // The hour after it ended; minutes pruned past their retention, the hour stays.
    const r = await store.maintenance.run(T0 + 3 * HOUR_MS);
    expect(r.hourBuckets).toBe(1);
    expect(r.prunedMinute).toBe(2);
    const hour = await store.history({ ...q, to: T0 + HOUR_MS, step: HOUR_MS });
    expect(hour).toMatchObject({ source: "hour", points: [{ ts: T0, min: -90, max: -40, count: 13 }] });
    const series = await store.series({ node: "n1", metric: "signal", from: T0, to: T0 + HOUR_MS, step: HOUR_MS, limit: 10, maxSeries: 5 });
    expect(series).toMatchObject({ source: "hour", ts: [T0], series: [{ key: PEER, values: [-68.462] }], truncated: false });
  });

  it.skipIf(skip)("prunes raw rows only once rolled up, and never a node's current row", async () => {
    store = await open({ rawMs: 1000 });
    for (let i = 0; i < 30; i++) await write("n1", i + 1, T0 + i * 1000);
    await write("n1", 31, T0 + 5 * MINUTE_MS);
    const r = await store.maintenance.run(T0 + 5 * MINUTE_MS + 30_000);
    expect(r.prunedRaw).toBe(30);
    expect((await store.rowCounts()).raw_snapshots).toBe(1);
    await store.maintenance.run(T0 + 48 * HOUR_MS);
    expect((await store.telemetry.latest("n1"))!.raw!.seq).toBe(31);
  });

  it.skipIf(skip)("keeps the last three keyframes of each node, found by stream sequence or by snapshot", async () => {
    const kf = (node: string, seq: number, streamSeq: number): StoredKeyframe => ({ nodeId: node, boot: "b1", seq, streamSeq, subject: `mf.tel.${node}`, data: Buffer.from(`${node}-${seq}`) });
    for (let i = 1; i <= 5; i++) await store.transaction(() => store.keyframes.put(kf("ap-1", i, i * 10)));
    await store.transaction(() => store.keyframes.put(kf("ap-2", 1, 11)));
    const kept = [];
    for (let i = 1; i <= 5; i++) if (await store.keyframes.bySnapshot("ap-1", "b1", i)) kept.push(i);
    expect(kept).toEqual([3, 4, 5]);
    const got = (await store.keyframes.byStreamSeq(40, "mf.tel.ap-1"))!;
    expect({ ...got, data: Buffer.from(got.data).toString() }).toEqual({ ...kf("ap-1", 4, 40), data: "ap-1-4" });
    expect(await store.keyframes.byStreamSeq(40, "mf.tel.ap-2")).toBeNull();
    expect(await store.keyframes.bySnapshot("ap-2", "b1", 1)).not.toBeNull();
  });

  it.skipIf(skip)("reports itself writable and its size", async () => {
    expect(await store.checkWritable()).toEqual({ ok: true });
    expect(await store.sizeBytes()).toBeGreaterThan(0);
  });
});
