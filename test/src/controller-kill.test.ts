import { afterAll, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { freePort, startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { openStore, systemClock } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";
import { killHard, metricValue, spawnController, stopGracefully, type ControllerProcess } from "./controller-helpers";

const NODES = 20;
const PER_NODE = 150;
const ACCEPTED = 'meshfleet_ingest_messages_total{kind="snapshot",result="accepted"}';

describe("controller process killed with SIGKILL during ingest", () => {
  let srv: RunningNatsServer | null = null;
  let proc: ControllerProcess | null = null;
  const dir = tempDir("mf-kill-");
  afterAll(async () => {
    if (proc) await killHard(proc);
    await srv?.dispose();
    dir.cleanup();
  });

  it("loses no acknowledged snapshot and stores none twice after a restart", async () => {
    srv = await startNatsServer();
    const db = `${dir.path}/controller.sqlite`;
    const port = await freePort();
    proc = await spawnController(db, srv.url, port);
    // `serve` guards the API with bearer tokens: without one, 401.
    expect((await fetch(`${proc.url}/api/nodes`)).status).toBe(401);

    const nc = await connect({ servers: srv.url });
    const js = jetstream(nc);
    const acked = new Set<string>();
    const publishing = (async () => {
      for (let seq = 1; seq <= PER_NODE; seq++) {
        await Promise.all(
          Array.from({ length: NODES }, async (_, i) => {
            const node = `node-${i}`;
            const s = buildSnapshot({ node, seq, ts: 1_800_000_000_000 + seq * 10_000 });
            await js.publish(subjects.telemetry(node), JSON.stringify(s));
            acked.add(`${node}/${seq}`);
          }),
        );
      }
    })();

    // Kill the controller in the middle of the stream: some batches committed, many not.
    await waitFor(async () => metricValue(await (await proc!.get("/metrics")).text(), ACCEPTED) >= 400, { timeoutMs: 30_000, what: "400 snapshots ingested", intervalMs: 20 });
    await killHard(proc);
    const atKill = acked.size;
    await publishing;
    await nc.close();
    expect(acked.size).toBe(NODES * PER_NODE);
    expect(atKill).toBeGreaterThanOrEqual(400);

    // Restart on the same database: it resumes from the durable consumer.
    proc = await spawnController(db, srv.url, port);
    // Messages delivered to the killed process but never acknowledged come back after the ack wait (3 s here).
    const reader = openStore({ file: db, clock: systemClock });
    try {
      await waitFor(async () => ((await reader.rowCounts()).raw_snapshots ?? 0) >= NODES * PER_NODE, { timeoutMs: 60_000, what: "every snapshot stored after restart", intervalMs: 200 });
    } finally {
      reader.close();
    }
    const node0 = (await (await proc.get("/api/nodes/node-0")).json()) as { latest: { seq: number } };
    expect(node0.latest.seq).toBe(PER_NODE);
    expect(await stopGracefully(proc)).toBe(0);
    proc = null;

    const store = openStore({ file: db, clock: systemClock });
    try {
      const stored: string[] = [];
      for (let i = 0; i < NODES; i++) for (const r of await store.telemetry.range(`node-${i}`, 0, Number.MAX_SAFE_INTEGER)) stored.push(`${r.nodeId}/${r.seq}`);
      expect(stored.length).toBe(NODES * PER_NODE);
      expect(new Set(stored).size).toBe(stored.length);
      expect([...acked].filter((k) => !stored.includes(k))).toEqual([]);
      expect((await store.rowCounts()).raw_snapshots).toBe(NODES * PER_NODE);
    } finally {
      store.close();
    }
  }, 120_000);
});
