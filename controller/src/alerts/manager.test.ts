import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { alert as alertSchema, subjects, type Alert } from "@meshfleet/shared";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { RecordingLogger, silentLogger } from "../log";
import { AlertManager } from "./manager";
import { NatsAlertSink } from "./nats-sink";
import { AlertsRepository } from "./repo";
import type { AlertInput, AlertSink } from "./types";

const flap = (subject: string, eventIds: number[], scores: { ts: number; score: number }[]): AlertInput => ({
  code: "route_flapping",
  subject,
  node: "r1",
  severity: "warning",
  summary: `route ${subject} is flapping`,
  evidence: { eventIds, scores },
});

describe("AlertManager", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let repo: AlertsRepository;
  const delivered: Alert[] = [];
  const recorder: AlertSink = { name: "recorder", deliver: (a) => Promise.resolve(void delivered.push(a)) };

  beforeEach(async () => {
    dir = tempDir("mf-alerts-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(0) });
    repo = new AlertsRepository(store.sql);
    delivered.length = 0;
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("keeps one open alert per (code, subject), merges evidence, resolves, and reopens as a new alert", async () => {
    const m = new AlertManager({ repo, store, sinks: [recorder], log: silentLogger });
    expect((await m.raise(flap("route:r1:::/0", [1, 2, 3], [{ ts: 100, score: 2100 }]), 100))?.type).toBe("opened");
    expect(await m.raise(flap("route:r1:::/0", [3, 4], [{ ts: 130, score: 2900 }]), 130)).toBeNull();
    const open = m.get("route_flapping", "route:r1:::/0")!;
    expect(open.evidence).toEqual({ eventIds: [1, 2, 3, 4], scores: [{ ts: 100, score: 2100 }, { ts: 130, score: 2900 }], detail: {} });
    expect(m.openCounts()).toEqual(new Map([["r1", 1]]));
    const r = (await m.resolve("route_flapping", "route:r1:::/0", 900, { scores: [{ ts: 900, score: 740 }] }))!;
    expect(r.alert).toMatchObject({ state: "resolved", openedAt: 100, resolvedAt: 900 });
    expect(await m.resolve("route_flapping", "route:r1:::/0", 901)).toBeNull();
    expect((await m.raise(flap("route:r1:::/0", [9], []), 1000))?.alert.id).not.toBe(open.id);
    await m.flush();
    expect(delivered.map((a) => [a.state, a.id])).toEqual([
      ["open", open.id],
      ["resolved", open.id],
      ["open", String(Number(open.id) + 1)],
    ]);
    expect(delivered.every((a) => alertSchema.safeParse(a).success)).toBe(true);
    expect((await repo.get(Number(open.id)))?.evidence.scores.map((s) => s.score)).toEqual([2100, 2900, 740]);
    expect((await repo.list({ state: "resolved" })).map((a) => a.id)).toEqual([open.id]);
  });

  it("reconciles conditions (opens new findings, resolves vanished ones, leaves others' subjects alone) and reloads after a restart", async () => {
    const m = new AlertManager({ repo, store, log: silentLogger });
    const lint = (subject: string, node: string | null): AlertInput => ({ code: "lint", subject, node, severity: "critical", summary: subject, evidence: { eventIds: [], scores: [] } });
    await m.reconcile("lint", [lint("lint:a", "r1"), lint("lint:b", null)], 10);
    await m.raise(flap("route:r2:::/0", [], []), 10);
    const changes = await m.reconcile("lint", [lint("lint:b", null), lint("lint:c", "r2")], 20);
    expect(changes.map((c) => [c.type, c.alert.subject])).toEqual([
      ["resolved", "lint:a"],
      ["opened", "lint:c"],
    ]);
    const again = new AlertManager({ repo, store, log: silentLogger });
    await again.load();
    expect(again.openAlerts().map((a) => `${a.code}/${a.subject}`)).toEqual(["lint/lint:b", "route_flapping/route:r2:::/0", "lint/lint:c"]);
    expect(again.openCounts()).toEqual(new Map([["r1", 1], ["r2", 1]]));
    expect(await again.raise(lint("lint:b", null), 30)).toBeNull();
  });

  it("absorbs a symptom into its cause's open or resolved alert without opening or sending anything", async () => {
    const m = new AlertManager({ repo, store, sinks: [recorder], log: silentLogger });
    const cause: AlertInput = { code: "node_offline", subject: "node:r5", node: "r5", severity: "critical", summary: "r5 offline", evidence: { eventIds: [1], scores: [] } };
    await m.raise(cause, 10);
    expect(await m.absorb({ code: "node_offline", subject: "node:r5" }, flap("route:r3:fd00:5::/64", [7, 8], []), 20)).toBe(true);
    expect(await m.absorb({ code: "node_offline", subject: "node:r5" }, flap("route:r3:fd00:5::/64", [9], []), 25)).toBe(true);
    expect(m.get("node_offline", "node:r5")?.evidence).toEqual({ eventIds: [1, 7, 8, 9], scores: [], detail: { folded: [{ code: "route_flapping", subject: "route:r3:fd00:5::/64", node: "r1", ts: 20, summary: "route route:r3:fd00:5::/64 is flapping" }] } });
    const id = (await m.resolve("node_offline", "node:r5", 30))!.alert.id;
    expect(await m.absorb({ code: "node_offline", subject: "node:r5", id }, flap("route:r4:fd00:5::/64", [11], []), 40)).toBe(true);
    expect(((await repo.get(Number(id)))?.evidence.detail?.folded as { subject: string }[]).map((f) => f.subject)).toEqual(["route:r3:fd00:5::/64", "route:r4:fd00:5::/64"]);
    expect(await m.absorb({ code: "node_offline", subject: "node:r9" }, flap("route:r4:::/0", [], []), 40)).toBe(false);
    await m.flush();
    expect(delivered.map((a) => [a.code, a.state])).toEqual([
      ["node_offline", "open"],
      ["node_offline", "resolved"],
    ]);
    expect(m.openAlerts()).toEqual([]);
  });

  it("logs a sink that gives up without failing detection", async () => {
    const log = new RecordingLogger();
    const m = new AlertManager({ repo, store, sinks: [{ name: "broken", deliver: () => Promise.reject(new Error("down")) }], log });
    await m.raise(flap("route:r1:::/0", [], []), 5);
    await m.flush();
    expect(log.entries.filter((e) => e.level === "warn").map((e) => [e.obj.sink, e.obj.error])).toEqual([["broken", "down"]]);
  });
  it("sends a change once its write is committed (held until the commit), and never one that was rolled back", async () => {
    // The sink reads the alert through a second connection: what it is told about is durable.
    const reader = new Database(`${dir.path}/c.sqlite`, { readonly: true });
    const stored = (id: string) => (reader.prepare("SELECT state FROM alerts WHERE id = ?").get(Number(id)) as { state: string } | undefined)?.state ?? "none";
    const sent: string[] = [];
    const durable: AlertSink = { name: "durable", deliver: (a) => Promise.resolve(void sent.push(`${a.subject} ${a.state}, stored ${stored(a.id)}`)) };
    const m = new AlertManager({ repo, store, sinks: [durable], log: silentLogger });
    try {
      // Rolled back (a failed COMMIT, a statement that failed after the raise): nothing is sent.
      await expect(
        store.transaction(async () => {
          await m.raise(flap("route:r1:::/0", [1], []), 10);
          throw new Error("disk I/O error");
        }),
      ).rejects.toThrow("disk I/O error");
      await m.load(); // as detection does after a rollback
      await m.flush();
      expect(sent).toEqual([]);
      // In a held transaction (the ingest's --durable-every): sent at its commit.
      await store.transaction(() => m.raise(flap("route:r1:::/0", [1], []), 20), { hold: true });
      await m.flush();
      expect(sent).toEqual([]);
      await store.commitHeld();
      await m.flush();
      expect(sent).toEqual(["route:r1:::/0 open, stored open"]);
      // Outside a transaction the write commits at once.
      await m.resolve("route_flapping", "route:r1:::/0", 30);
      await m.flush();
      expect(sent).toEqual(["route:r1:::/0 open, stored open", "route:r1:::/0 resolved, stored resolved"]);
    } finally {
      reader.close();
    }
  });
});

describe("NatsAlertSink", () => {
  let nats: RunningNatsServer;
  let nc: NatsConnection;
  beforeEach(async () => {
    nats = await startNatsServer({ jetstream: false });
    nc = await connect({ servers: nats.url });
  });
  afterEach(async () => {
    await nc.close();
    await nats.dispose();
  });

  it("publishes alert changes on subjects.alert(code) with the shared schema", async () => {
    const got: Alert[] = [];
    const sub = nc.subscribe(subjects.alert("route_flapping"));
    void (async () => {
      for await (const msg of sub) got.push(alertSchema.parse(msg.json()));
    })();
    await nc.flush();
    const dir = tempDir("mf-alerts-");
    const store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(0) });
    try {
      const m = new AlertManager({ repo: new AlertsRepository(store.sql), store, sinks: [new NatsAlertSink(nc)], log: silentLogger });
      await m.raise(flap("route:r1:::/0", [7], [{ ts: 1, score: 2500 }]), 1);
      await m.resolve("route_flapping", "route:r1:::/0", 2);
      await m.flush();
      await waitFor(() => got.length === 2, { timeoutMs: 5000, what: "two alerts on NATS" });
      expect(got.map((a) => [a.code, a.subject, a.state, a.evidence.eventIds])).toEqual([
        ["route_flapping", "route:r1:::/0", "open", [7]],
        ["route_flapping", "route:r1:::/0", "resolved", [7]],
      ]);
    } finally {
      store.close();
      dir.cleanup();
    }
  });
});
