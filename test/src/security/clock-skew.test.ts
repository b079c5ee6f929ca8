import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import { subjects } from "@meshfleet/shared";
import { Controller, detectionModule, openStore, silentLogger, systemClock, type Store } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";

const HOUR = 3_600_000;
const near = (a: number | null | undefined, b: number, within = 10_000) => a !== null && a !== undefined && Math.abs(a - b) <= within;

/**
 * A node whose clock is an hour ahead, through the real broker and ingest: its snapshots
 * are stored at the broker's time (receive time beside), the skew shows on the node, and
 * `clock_skew` opens, then resolves once its clock is right again.
 */
describe("a node with a skewed clock", () => {
  let srv: RunningNatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let store: Store;
  let controller: Controller;
  const dir = tempDir("mf-skew-");
  let seq = 0;

  beforeAll(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    js = jetstream(nc);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: systemClock });
    // a short window, so that the alert resolves within the test
    controller = new Controller({ nc, store, clock: systemClock, log: silentLogger, modules: [detectionModule({ natsAlerts: false })], ingest: { clockSkew: { thresholdMs: 120_000, windowMs: 2000 } } });
    await controller.start();
  });
  afterAll(async () => {
    await controller?.stop();
    await nc?.close();
    store?.close();
    await srv?.dispose();
    dir.cleanup();
  });

  const publish = (node: string, ts: number) => js.publish(subjects.telemetry(node), JSON.stringify(buildSnapshot({ node, seq: ++seq, ts })));
  const get = async <T>(path: string): Promise<T> => (await (await controller.api.request(path)).json()) as T;
  type NodeView = { id: string; lastSnapshotTs: number | null; clockSkewMs?: number | null };
  const nodes = async () => new Map((await get<{ nodes: NodeView[] }>("/api/nodes")).nodes.map((n) => [n.id, n]));
  const alerts = (state: string) => get<{ alerts: { code: string; node: string | null; state: string }[] }>(`/api/alerts?code=clock_skew&state=${state}`);

  it("is stored at the broker's time, shows its skew, and raises clock_skew until its clock is right", async () => {
    const sentAt = Date.now();
    await publish("ahead", sentAt + HOUR);
    await publish("good", sentAt);
    const seen = await waitFor(async () => {
      const n = await nodes();
      return n.get("ahead")?.lastSnapshotTs != null && n.get("good")?.lastSnapshotTs != null ? n : null;
    }, { what: "both nodes stored" });
    const ahead = seen.get("ahead")!;
    expect(near(ahead.clockSkewMs, HOUR)).toBe(true);
    expect(near(ahead.lastSnapshotTs, sentAt)).toBe(true); // not an hour ahead
    expect(near(seen.get("good")!.clockSkewMs, 0)).toBe(true);
    expect(near(seen.get("good")!.lastSnapshotTs, sentAt, 0)).toBe(true); // a trusted clock's time is kept as sent

    const raw = (await store.telemetry.latest("ahead"))!.raw!;
    expect(near(raw.ts, sentAt)).toBe(true);
    expect(near(raw.receivedAt, sentAt)).toBe(true);
    const detail = await get<NodeView>("/api/nodes/ahead");
    expect(near(detail.clockSkewMs, HOUR)).toBe(true);

    await waitFor(async () => (await alerts("open")).alerts.length === 1, { what: "clock_skew open" });
    expect((await alerts("open")).alerts.map((a) => [a.code, a.node])).toEqual([["clock_skew", "ahead"]]);

    // its clock is right again: once the ahead sample has left the window, the alert resolves
    await waitFor(async () => {
      await publish("ahead", Date.now());
      return (await alerts("resolved")).alerts.length === 1;
    }, { timeoutMs: 20_000, intervalMs: 250, what: "clock_skew resolved" });
    expect((await alerts("open")).alerts).toEqual([]);
    expect(near((await nodes()).get("ahead")!.clockSkewMs, 0)).toBe(true);
  });
});
