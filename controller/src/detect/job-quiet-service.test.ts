import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import type { Alert } from "@meshfleet/shared";
import type { IngestItem } from "../ingest/decode";
import { silentLogger } from "../log";
import { FakeClock, openStore, type Store } from "../store/index";
import { JobsRepository } from "../jobs/repo";
import { initRollout } from "../jobs/rollout";
import { rolloutPolicy } from "../jobs/spec";
import { DetectionService } from "./service";
import { acceptRule, neighbor, route, snap } from "../../testing/detect";

const T0 = 1_700_000_000_000;
const JOB = "job-aaaaaaaa";

describe("a config job quiets what its own reloads cause (real SQLite store)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const clock = new FakeClock(T0);
  const delivered: Alert[] = [];
  let seq = 0;
  beforeEach(async () => {
    dir = tempDir("mf-jobquiet-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    clock.set(T0);
    delivered.length = 0;
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });
  const r1 = (): IngestItem => ({ kind: "snapshot", msg: snap({ node: "r1", ts: clock.now(), seq: ++seq, routes: [route("::/0", "fe80::2")], neighbors: [neighbor("fe80::2", "eth0")], counters: [acceptRule(521)] }) });

  it("r1 going offline while its job is applied opens node_offline under the job's silence: recorded, folded under the job, not notified; after the job and its grace, it notifies again", async () => {
    const svc = new DetectionService({ store, clock, log: silentLogger, sinks: [{ name: "rec", deliver: (a) => Promise.resolve(void delivered.push(a)) }] });
    await svc.load();
    await svc.handle([r1()]);
    const jobs = new JobsRepository(store);
    const state = initRollout([{ id: "r1", skip: null }], rolloutPolicy.parse({}), T0 + 3600_000);
    const sent = { ...state, nodes: state.nodes.map((n) => ({ ...n, state: "applying" as const, attempts: 1, firstSentAt: T0 + 1000, lastSentAt: T0 + 1000 })) };
    await jobs.insert({ id: JOB, createdAt: T0, updatedAt: T0, description: "mesh channel 44", template: "mesh-channel", params: {}, target: "r1", verify: { deadlineMs: 60_000 }, expiresAt: T0 + 3600_000, status: "running", finishedAt: null }, sent, new Map([["r1", { ops: [], reloads: [], basis: "reported" as const }]]));

    // `wifi reload` on r1: it stops reporting for longer than the offline threshold.
    clock.advance(30_001);
    await svc.tick();
    const off = await svc.alerts.list({ state: "open", code: "node_offline" });
    const silence = (await svc.silences.list(clock.now())).find((s) => s.kind === "job")!;
    expect(silence).toMatchObject({ node: "r1", createdBy: `job:${JOB}`, reason: `config job ${JOB} (mesh-channel): apply and verify`, fromTs: T0 + 1000 });
    expect(off.map((a) => [a.subject, a.silencedBy, a.evidence.detail?.job])).toEqual([["node:r1", silence.id, { id: JOB, template: "mesh-channel", node: "r1" }]]);
    clock.advance(5000);
    await svc.handle([r1()]);
    expect((await svc.alerts.list({ code: "node_offline" })).map((a) => a.state)).toEqual(["resolved"]);

    // The node verified its job; two minutes later its alerts are its own again.
    const prev = (await jobs.rollout(JOB))!;
    await jobs.save(JOB, prev, { ...prev, status: "completed", nodes: prev.nodes.map((n) => ({ ...n, state: "verified" as const, finishedAt: clock.now() })) }, clock.now());
    clock.advance(120_000);
    await svc.handle([r1()]);
    clock.advance(30_001);
    await svc.tick();
    expect((await svc.alerts.list({ state: "open", code: "node_offline" })).map((a) => [a.subject, a.silencedBy])).toEqual([["node:r1", null]]);
    await svc.alerts.flush();
    expect(delivered.map((a) => [a.code, a.state])).toEqual([["node_offline", "open"]]);
  });
});
