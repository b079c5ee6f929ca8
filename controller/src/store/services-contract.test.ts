import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Alert } from "@meshfleet/shared";
import { storeBackends } from "../../testing/store-backends";
import { acceptRule, neighbor, route, snap } from "../../testing/detect";
import { FakeClock } from "./types";
import type { StoreApi } from "./store-api";
import type { IngestItem } from "../ingest/decode";
import { writeBatch } from "../ingest/writer";
import { silentLogger } from "../log";
import { DetectionService } from "../detect/service";
import { JobsRepository } from "../jobs/repo";
import { initRollout } from "../jobs/rollout";
import { rolloutPolicy } from "../jobs/spec";
import { baselineWireless } from "../jobs/baseline";

/** The jobs repository and the detection service with its alert manager, on every store. */
const T0 = 1_800_000_000_000;
const backends = await storeBackends("services contract");

describe.each(backends)("jobs and detection: $backend.name", ({ backend, skip }) => {
  let store: StoreApi;
  const clock = new FakeClock(T0);
  const opened: StoreApi[] = [];
  const open = async () => {
    const s = await backend.open(clock);
    opened.push(s);
    return s;
  };
  beforeEach(async () => {
    if (skip) return;
    clock.set(T0);
    store = await open();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await backend.reset();
  });

  it.skipIf(skip)("jobs: a job and its nodes in one transaction, read back in order, stepped, finished once; awaiting nodes; wireless configs", async () => {
    const jobs = new JobsRepository(store);
    const state = initRollout(
      [
        { id: "n2", skip: null },
        { id: "n1", skip: null },
      ],
      rolloutPolicy.parse({}),
      T0 + 3600_000,
    );
    const row = { id: "job-aaaaaaaa", createdAt: T0, updatedAt: T0, description: "d", template: "ssid", params: { ssid: "x" }, target: "all", verify: { deadlineMs: 60_000 }, expiresAt: T0 + 3600_000, status: "running" as const, finishedAt: null };
    const extras = new Map(["n1", "n2"].map((n) => [n, { ops: [{ op: "set" as const, config: "wireless", section: "s", option: "ssid", value: n }], reloads: ["wifi" as never], basis: "reported" as const }]));
    await jobs.insert(row, state, extras);
    expect(await jobs.job(row.id)).toEqual(row);
    expect(await jobs.rollout(row.id)).toEqual(state);
    expect((await jobs.nodeRows(row.id)).map((r) => [r.node_id, r.position, r.basis])).toEqual([
      ["n2", 0, "reported"],
      ["n1", 1, "reported"],
    ]);
    expect(await jobs.extra(row.id, "n1")).toEqual(extras.get("n1"));
    expect(await jobs.liveJobIds()).toEqual([row.id]);

    const sent = { ...state, nodes: state.nodes.map((n, i) => (i === 0 ? { ...n, state: "sent" as const, attempts: 1, firstSentAt: T0 + 5, lastSentAt: T0 + 5 } : n)) };
    await jobs.save(row.id, state, sent, T0 + 5);
    expect(await jobs.rollout(row.id)).toEqual(sent);
    expect(await jobs.jobsAwaiting("n2")).toEqual([row.id]);
    expect(await jobs.jobsAwaiting("n1")).toEqual([]);
    const done = { ...sent, status: "completed" as const, nodes: sent.nodes.map((n) => ({ ...n, state: "verified" as const, finishedAt: T0 + 9 })) };
    await jobs.save(row.id, sent, done, T0 + 9);
    await jobs.save(row.id, done, done, T0 + 12);
    expect(await jobs.job(row.id)).toMatchObject({ status: "completed", finishedAt: T0 + 9, updatedAt: T0 + 12 });
    expect(await jobs.liveJobIds()).toEqual([]);
    expect((await jobs.list(10)).map((j) => j.id)).toEqual([row.id]);

    expect(await jobs.wireless("n1")).toBeNull();
    await jobs.putWireless("n1", T0, baselineWireless("23.05.3"));
    await jobs.putWireless("n1", T0 + 1, baselineWireless("23.05.3"));
    expect(await jobs.wireless("n1")).toEqual(baselineWireless("23.05.3"));
    // The history keeps a row per change: the config of any time since the first report.
    const changed = { ...baselineWireless("23.05.3"), radios: [] };
    await jobs.putWireless("n1", T0 + 50, changed);
    await jobs.putWireless("n2", T0 + 20, changed);
    expect(await store.sql.query("SELECT node_id, ts FROM node_wireless_history ORDER BY node_id, ts")).toEqual([
      { node_id: "n1", ts: T0 },
      { node_id: "n1", ts: T0 + 50 },
      { node_id: "n2", ts: T0 + 20 },
    ]);
    expect([...(await jobs.wirelessAt(T0 - 1))]).toEqual([]);
    expect([...(await jobs.wirelessAt(T0 + 49))]).toEqual([
      ["n1", baselineWireless("23.05.3")],
      ["n2", changed],
    ]);
    expect([...(await jobs.wirelessAt(T0 + 50))]).toEqual([
      ["n1", changed],
      ["n2", changed],
    ]);
  });

  it.skipIf(skip)("detection: a node going offline opens one alert (delivered once), a restart restores it, an ack is kept, the node's return resolves it", async () => {
    const delivered: Alert[] = [];
    const make = () => new DetectionService({ store, clock, log: silentLogger, sinks: [{ name: "rec", deliver: (a) => Promise.resolve(void delivered.push(a)) }] });
    let seq = 0;
    const r1 = (): IngestItem => ({ kind: "snapshot", msg: snap({ node: "r1", ts: clock.now(), seq: ++seq, routes: [route("::/0", "fe80::2")], neighbors: [neighbor("fe80::2", "eth0")], counters: [acceptRule(521)] }) });
    /** As the controller does: the ingest stores the batch, then detection runs over it. */
    const ingest = async (svc: DetectionService, items: IngestItem[]) => {
      await writeBatch(store, items, clock.now());
      await svc.handle(items);
    };
    let svc = make();
    await svc.load();
    await ingest(svc, [r1()]);
    clock.advance(30_001);
    await svc.tick();
    await svc.tick();
    await svc.alerts.flush();
    const open = await svc.alerts.list({ state: "open", code: "node_offline" });
    expect(open.map((a) => [a.subject, a.node])).toEqual([["node:r1", "r1"]]);
    expect(delivered.map((a) => [a.code, a.state])).toEqual([["node_offline", "open"]]);
    expect((await svc.repo.eventsByIds(open[0]!.evidence.eventIds)).map((e) => e.code)).toEqual(["node_offline"]);

    // A restart on the same store: the open alert and the detector state come back.
    svc = make();
    await svc.load();
    expect(svc.alerts.isOpen("node_offline", "node:r1")).toBe(true);
    const acked = await svc.inTransaction(() => svc.alerts.ack(Number(open[0]!.id), "ops", clock.now()));
    expect(acked?.ack).toEqual({ by: "ops", at: clock.now() });
    clock.advance(1000);
    await ingest(svc, [r1()]);
    await svc.alerts.flush();
    const [resolved] = await svc.alerts.list({ code: "node_offline" });
    expect(resolved).toMatchObject({ id: open[0]!.id, state: "resolved", resolvedAt: clock.now(), ack: { by: "ops" } });
    // Acknowledged: its resolving is recorded, not sent.
    expect(delivered.map((a) => [a.code, a.state])).toEqual([["node_offline", "open"]]);
    expect((await svc.repo.events({ node: "r1" })).map((e) => e.code)).toEqual(["node_online", "node_offline", "node_online"]);
  });
});
