import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeBackends } from "../../testing/store-backends";
import { FakeClock } from "./types";
import type { StoreApi } from "./store-api";
import { AlertsRepository } from "../alerts/repo";
import { SilencesRepository } from "../alerts/silences";
import { DetectRepository } from "../detect/repo";
import { DiagAuditRepository } from "../diag/audit-repo";
import { activeTokenCount, createToken, listTokens, revokeToken, verifyToken } from "../auth/tokens";
import type { DetectEvent } from "../detect/types";

/**
 * The feature repositories (written once over `store.sql`) against every store: what the
 * detection service, the alert manager, the API tokens and the diagnostics audit rely on.
 */
const T0 = 1_800_000_000_000;
const backends = await storeBackends("feature repositories contract");

describe.each(backends)("feature repositories: $backend.name", ({ backend, skip }) => {
  let store: StoreApi;
  const clock = new FakeClock(T0);
  beforeEach(async () => {
    if (skip) return;
    store = await backend.open(clock);
  });
  afterEach(async () => {
    if (skip) return;
    await store.close();
    await backend.reset();
  });

  it.skipIf(skip)("alerts: insert returns ids in order; update records ack, text and resolve; list filters and orders newest first", async () => {
    const repo = new AlertsRepository(store.sql);
    const base = { severity: "warning" as const, state: "open" as const, resolvedAt: null, summary: "s", evidence: { eventIds: [1, 2], scores: [{ ts: 1, score: 2000 }], detail: { k: "v" } } };
    const a = await repo.insert({ ...base, code: "node_offline", subject: "node:r1", node: "r1", openedAt: T0 }, T0);
    const b = await repo.insert({ ...base, code: "route_flapping", subject: "route:r2:::/0", node: "r2", openedAt: T0 + 10, silencedBy: 7 }, T0 + 10);
    expect(Number(b.id)).toBeGreaterThan(Number(a.id));
    expect(await repo.get(Number(a.id))).toEqual({ ...a, silencedBy: null });
    await repo.update({ ...a, state: "resolved", resolvedAt: T0 + 50, ack: { by: "ops", at: T0 + 20 }, text: { what: "w", where: ["r1"], since: T0, why: "z", evidence: [], check: [] } }, T0 + 50);
    const got = (await repo.get(Number(a.id)))!;
    expect(got).toMatchObject({ state: "resolved", resolvedAt: T0 + 50, ack: { by: "ops", at: T0 + 20 }, text: { what: "w" }, evidence: base.evidence });
    expect((await repo.list()).map((x) => x.id)).toEqual([b.id, a.id]);
    expect((await repo.list({ state: "open" })).map((x) => [x.id, x.silencedBy])).toEqual([[b.id, 7]]);
    expect((await repo.list({ state: "resolved", since: T0 + 50 })).map((x) => x.id)).toEqual([a.id]);
    expect(await repo.list({ state: "resolved", since: T0 + 51 })).toEqual([]);
    expect((await repo.list({ node: "r2", code: "route_flapping" })).map((x) => x.id)).toEqual([b.id]);
    expect((await repo.list({ limit: 1 })).map((x) => x.id)).toEqual([b.id]);
    expect(await repo.get(999_999)).toBeNull();
  });

  it.skipIf(skip)("silences: current and all, a job's silence created once and moved, expired for the record", async () => {
    const repo = new SilencesRepository(store.sql);
    const s = await repo.create({ kind: "maintenance", node: "r1", code: null, subject: null, fromTs: 100, untilTs: 200, reason: "move", createdBy: "ops", createdAt: 50 });
    const j = await repo.putJobSilence({ node: "r2", fromTs: 100, untilTs: 300, reason: "job", createdBy: "job:1", createdAt: 60 });
    const moved = await repo.putJobSilence({ node: "r2", fromTs: 100, untilTs: 400, reason: "job", createdBy: "job:1", createdAt: 70 });
    expect(moved).toMatchObject({ id: j.id, kind: "job", untilTs: 400 });
    expect((await repo.list(250)).map((x) => x.id)).toEqual([j.id]);
    expect((await repo.list(250, true)).map((x) => x.id)).toEqual([j.id, s.id]);
    expect(await repo.get(s.id)).toEqual(s);
    expect(await repo.expire(j.id, 260)).toMatchObject({ id: j.id, untilTs: 260 });
    expect(await repo.list(260)).toEqual([]);
    expect(await repo.expire(424_242, 1)).toBeNull();
  });

  it.skipIf(skip)("detection: events in order with ids, queries, by ids, pruning; scores with a boolean; state written once; incidents", async () => {
    const repo = new DetectRepository(store.sql);
    const ev = (ts: number, node: string, code: string, subject: string, extra: object = {}) => ({ ts, node, code, subject, before: null, after: { v: ts }, ...extra }) as unknown as DetectEvent;
    const stored = await store.transaction(() => repo.insertEvents([ev(10, "r1", "neighbor_down", "neighbor:r1:a"), ev(20, "r1", "neighbor_up", "neighbor:r1:a", { gapMs: 5 }), ev(30, "r2", "node_offline", "node:r2")]));
    expect(stored.map((e) => e.id)).toEqual([...stored.map((e) => e.id)].sort((a, b) => a - b));
    expect((await repo.events()).map((e) => e.ts)).toEqual([30, 20, 10]);
    expect(await repo.events({ node: "r1", code: "neighbor_up" })).toEqual([{ ...stored[1], before: null }]);
    expect((await repo.events({ since: 15, until: 30 })).map((e) => e.ts)).toEqual([30, 20]);
    expect((await repo.events({ subject: "neighbor:r1:a", limit: 1 })).map((e) => e.ts)).toEqual([20]);
    expect((await repo.eventsByIds([stored[2]!.id, stored[0]!.id])).map((e) => e.code)).toEqual(["neighbor_down", "node_offline"]);
    expect(await repo.pruneEvents(20)).toBe(1);

    const entry = { kind: "neighbor" as const, node: "r1", link: null, score: 1500.5, ts: 10, flapping: true, history: [{ ts: 10, score: 1500.5 }], eventIds: [1] };
    await repo.saveScores({}, { "neighbor:r1:a": entry, "node:r2": { ...entry, kind: "node" as never, node: "r2", flapping: false } });
    await repo.saveScores({ "neighbor:r1:a": entry, "node:r2": entry }, { "neighbor:r1:a": { ...entry, score: 900 } });
    expect(await repo.loadScores()).toEqual({ "neighbor:r1:a": { ...entry, score: 900 } });

    await repo.putState("presence", { r1: { lastRecv: 1 } }, 100);
    await repo.putState("node:r1", { a: 1 }, 100);
    expect(await repo.getState("presence")).toEqual({ r1: { lastRecv: 1 } });
    expect(await repo.getState("missing")).toBeNull();
    expect(await repo.allState()).toEqual(new Map<string, unknown>([["node:r1", { a: 1 }], ["presence", { r1: { lastRecv: 1 } }]].sort() as [string, unknown][]));

    const inc = await repo.insertIncident({ startTs: 5, endTs: 9, durationMs: 4, nodes: ["r1", "r2"], trigger: { code: "neighbor_down", node: "r1", subject: "s", ts: 5 }, eventIds: [1], changes: 3 } as never);
    expect(await repo.incidents({ node: "r2" })).toEqual([inc]);
    expect(await repo.incidents({ node: "r3" })).toEqual([]);
    expect(await repo.incidents({ since: 6 })).toEqual([]);
  });

  it.skipIf(skip)("API tokens: created once, verified by hash, listed without values, revoked once", async () => {
    const t = await createToken(store, { role: "operator", name: "noc" }, T0);
    expect(await verifyToken(store, t.token)).toEqual({ id: t.id, name: "noc", role: "operator" });
    expect(await verifyToken(store, `${t.token.slice(0, -1)}${t.token.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await activeTokenCount(store)).toBe(1);
    expect(await revokeToken(store, t.id, T0 + 1)).toBe(true);
    expect(await revokeToken(store, t.id, T0 + 2)).toBe(false);
    expect(await verifyToken(store, t.token)).toBeNull();
    expect(await listTokens(store)).toEqual([{ id: t.id, name: "noc", role: "operator", createdAt: T0, lastUsedAt: null, revokedAt: T0 + 1 }]);
    expect(await activeTokenCount(store)).toBe(0);
  });

  it.skipIf(skip)("diagnostics audit: running then finished, newest first, per node", async () => {
    const repo = new DiagAuditRepository(store.sql);
    await repo.insert({ id: "a1", node: "r1", kind: "ping", args: '{"kind":"ping"}', who: "ops", requestedAt: 10, result: "running" });
    await repo.insert({ id: "a2", node: "r2", kind: "scan", args: "not json", who: "ops", requestedAt: 20, finishedAt: 20, result: "refused", error: "E_VALIDATION: no" });
    await repo.finish("a1", { finishedAt: 15, result: "done", exitCode: 0, argv: ["ping", "-c", "1"], error: null });
    expect(await repo.list(10)).toEqual([
      { id: "a2", node: "r2", kind: "scan", who: "ops", requestedAt: 20, finishedAt: 20, result: "refused", exitCode: null, error: "E_VALIDATION: no", args: "not json", argv: null },
      { id: "a1", node: "r1", kind: "ping", who: "ops", requestedAt: 10, finishedAt: 15, result: "done", exitCode: 0, error: null, args: { kind: "ping" }, argv: ["ping", "-c", "1"] },
    ]);
    expect((await repo.list(10, "r1")).map((r) => r.id)).toEqual(["a1"]);
    expect((await repo.list(1)).map((r) => r.id)).toEqual(["a2"]);
  });

  it.skipIf(skip)("a failed transaction leaves no feature rows behind", async () => {
    const alerts = new AlertsRepository(store.sql);
    await expect(
      store.transaction(async () => {
        await alerts.insert({ code: "node_offline", subject: "node:r1", node: "r1", severity: "critical", state: "open", openedAt: 1, resolvedAt: null, summary: "s", evidence: { eventIds: [], scores: [] } }, 1);
        await new SilencesRepository(store.sql).create({ kind: "silence", node: "r1", code: null, subject: null, fromTs: 0, untilTs: 5, reason: "r", createdBy: "x", createdAt: 0 });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await alerts.list()).toEqual([]);
    expect(await new SilencesRepository(store.sql).list(0, true)).toEqual([]);
  });
});
