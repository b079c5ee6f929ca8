import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { AlertManager } from "../alerts/manager";
import { AlertsRepository } from "../alerts/repo";
import { SilencesRepository } from "../alerts/silences";
import type { AlertInput } from "../alerts/types";
import { parseNotifications } from "./config";
import { NotificationSink } from "./dispatcher";
import { Receiver } from "../../testing/notify";

const offline = (node: string): AlertInput => ({ code: "node_offline", subject: `node:${node}`, node, severity: "critical", summary: `${node} sent no snapshot`, evidence: { eventIds: [], scores: [] } });

describe("alerts -> notifications: silenced and acknowledged alerts are recorded, not notified", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let rx: Receiver;
  beforeEach(async () => {
    dir = tempDir("mf-notify-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(0) });
    rx = await new Receiver().start();
  });
  afterEach(async () => {
    await rx.stop();
    store.close();
    dir.cleanup();
  });

  it("a silence keeps an alert's opening and resolving quiet; an acknowledged alert's resolving is not sent", async () => {
    const silences = new SilencesRepository(store.sql);
    const repo = new AlertsRepository(store.sql);
    let m: AlertManager | null = null;
    const sink = new NotificationSink(parseNotifications({ groupWaitMs: 0, targets: [{ name: "siem", kind: "webhook", url: `${rx.url}/hook` }] }), {
      log: silentLogger,
      now: () => 1000,
      stillNotify: (a) => m!.stillNotify(a, 1000),
    });
    m = new AlertManager({ repo, store, sinks: [sink], log: silentLogger, silences });
    await silences.create({ kind: "silence", node: "node-2", code: null, subject: null, fromTs: 0, untilTs: 10_000, reason: "planned move", createdBy: "ops", createdAt: 0 });
    await m.raise(offline("node-1"), 100);
    await m.raise(offline("node-2"), 100);
    await m.flush();
    await m.ack(Number(m.get("node_offline", "node:node-1")!.id), "ops", 200);
    await m.resolve("node_offline", "node:node-1", 300);
    await m.resolve("node_offline", "node:node-2", 300);
    await m.raise(offline("node-3"), 400);
    await m.flush();
    await m.resolve("node_offline", "node:node-3", 500);
    await m.flush();
    expect(rx.got.map((r) => r.body as { subject: string; state: string })).toEqual([expect.objectContaining({ subject: "node:node-1", state: "open" }), expect.objectContaining({ subject: "node:node-3", state: "open" }), expect.objectContaining({ subject: "node:node-3", state: "resolved" })]);
    // All of them are recorded.
    expect((await repo.list({})).map((a) => [a.subject, a.state, a.ack?.by ?? null, a.silencedBy !== null])).toEqual([
      ["node:node-3", "resolved", null, false],
      ["node:node-2", "resolved", null, true],
      ["node:node-1", "resolved", "ops", false],
    ]);
  });
});
