import { afterEach, describe, expect, it } from "vitest";
import { freePort, startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { killHard, spawnController, stopGracefully, type ControllerProcess } from "../controller-helpers";
import { readStored, startSimAgents, type SimAgents, type StoredRow } from "./sim-agents";

/**
 * The broker (nats-server with JetStream on disk) fails while real agents stream to a
 * controller running as its own process: killed with SIGKILL and restarted on the same
 * port and store, or frozen with SIGSTOP (connections up, no acks). The agents keep
 * collecting into their outage buffers meanwhile.
 */

const INTERVAL_MS = 250;

interface NodeView {
  droppedTotal: number;
  latest: { boot: string; seq: number } | null;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const lastAcked = (a: { publisher: { ackedSnapshots: Set<string> } }): number => Math.max(0, ...[...a.publisher.ackedSnapshots].map((k) => Number(k.split(":")[2])));

describe("broker outage under streaming agents", () => {
  let srv: RunningNatsServer | null = null;
  let proc: ControllerProcess | null = null;
  let fleet: SimAgents | null = null;
  let dir: ReturnType<typeof tempDir> | null = null;
  afterEach(async () => {
    await fleet?.stop().catch(() => undefined);
    if (proc) await killHard(proc);
    await srv?.dispose();
    dir?.cleanup();
    fleet = null;
    proc = null;
    srv = null;
    dir = null;
  }, 20_000);

  const start = async (): Promise<{ db: string; broker: RunningNatsServer; ctl: ControllerProcess }> => {
    dir = tempDir("mf-broker-outage-");
    const broker = (srv = await startNatsServer());
    const db = `${dir.path}/controller.sqlite`;
    const ctl = (proc = await spawnController(db, broker.url, await freePort()));
    return { db, broker, ctl };
  };

  /** Waits until the controller's current snapshot of `id` is `seq`; returns the node view. */
  const stored = (ctl: ControllerProcess, id: string, seq: number): Promise<NodeView> =>
    waitFor(
      async () => {
        const r = await ctl.get(`/api/nodes/${id}`);
        const v = r.status === 200 ? ((await r.json()) as NodeView) : null;
        return v?.latest?.seq === seq ? v : null;
      },
      { timeoutMs: 20_000, what: `${id} seq ${seq} stored`, intervalMs: 200 },
    );

  /**
   * After one gap: seq 1..last stored once and in order except exactly `dropped` in a row
   * from `gapStart`; only the snapshot after the gap announces it, with the exact count.
   */
  const expectOneGap = (rows: StoredRow[], last: number, gapStart: number, dropped: number): void => {
    const missing = range(gapStart, gapStart + dropped - 1);
    expect(rows.map((r) => r.seq)).toEqual(range(1, last).filter((s) => !missing.includes(s)));
    expect(rows.filter((r) => r.dropped !== 0).map((r) => [r.seq, r.dropped])).toEqual([[gapStart + dropped, dropped]]);
  };

  it("20 agents: every snapshot in the buffers arrives, in order per node, exactly once", async () => {
    const { db, broker, ctl } = await start();
    fleet = startSimAgents(broker.url, { count: 20, intervalMs: INTERVAL_MS, bufferSize: 200, seed: 11 });
    const agents = fleet.agents;
    const ids = agents.map((a) => a.id);

    // Streaming: every node has a few snapshots acknowledged by the broker.
    await waitFor(() => agents.every((a) => a.publisher.ackedSnapshots.size >= 4), { timeoutMs: 15_000, what: "4 acknowledged snapshots per node" });

    await broker.kill();
    const seqAtKill = new Map(agents.map((a) => [a.id, a.agent.seq]));
    // Down until every agent collected at least 6 more cycles into its buffer (waited for,
    // however slowly a loaded machine runs them).
    const maxBuffered = new Map(ids.map((id) => [id, 0]));
    await waitFor(
      () => {
        for (const a of agents) maxBuffered.set(a.id, Math.max(maxBuffered.get(a.id)!, a.agent.buffered));
        return agents.every((a) => a.agent.seq - seqAtKill.get(a.id)! >= 6 && maxBuffered.get(a.id)! >= 6);
      },
      { timeoutMs: 60_000, what: "6 more snapshots per node collected and buffered while the broker is gone", intervalMs: 50 },
    );
    expect(agents.filter((a) => a.agent.connected).map((a) => a.id)).toEqual([]);
    // Every agent held at least 6 snapshots while the broker was gone.
    expect(Math.min(...maxBuffered.values())).toBeGreaterThanOrEqual(6);

    await broker.restart();
    await waitFor(() => agents.every((a) => a.agent.connected && a.agent.buffered === 0), { timeoutMs: 15_000, what: "every buffer drained" });
    // A few more cycles after the outage, then the agents stop (each drains its last snapshot).
    const seqAtDrain = new Map(agents.map((a) => [a.id, a.agent.seq]));
    await waitFor(() => agents.every((a) => a.agent.seq >= seqAtDrain.get(a.id)! + 2), { timeoutMs: 10_000, what: "two more cycles per node" });
    await fleet.stop();
    const produced = new Map(agents.map((a) => [a.id, { boot: a.agent.bootId, last: a.agent.seq }]));
    for (const a of agents) {
      expect(a.agent.buffered).toBe(0);
      expect(a.agent.droppedTotal).toBe(0);
      // The broker acknowledged every snapshot the agent built.
      expect(a.publisher.ackedSnapshots.size).toBe(produced.get(a.id)!.last);
    }

    // The controller stores all of them (it reconnects to the restarted broker by itself).
    await waitFor(
      async () => {
        for (const id of ids) {
          const r = await ctl.get(`/api/nodes/${id}`);
          if (r.status !== 200 || ((await r.json()) as NodeView).latest?.seq !== produced.get(id)!.last) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, what: "every node's last snapshot stored", intervalMs: 200 },
    );
    for (const id of ids) {
      const view = (await (await ctl.get(`/api/nodes/${id}`)).json()) as NodeView;
      expect(view.droppedTotal).toBe(0);
      expect(view.latest?.boot).toBe(produced.get(id)!.boot);
    }
    expect(await stopGracefully(ctl)).toBe(0);

    const byNode = await readStored(db, ids);
    let total = 0;
    for (const id of ids) {
      const { boot, last } = produced.get(id)!;
      const { rows, droppedTotal } = byNode.get(id)!;
      // Exactly once, all of them: seq 1..last of this boot, nothing else.
      expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(range(1, last));
      expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => r.boot))).toEqual(new Set([boot]));
      // Stored in the order they were taken: by row id, seq 1, 2, 3, ...
      expect(rows.map((r) => r.seq)).toEqual(range(1, last));
      expect(rows.every((r) => r.dropped === 0)).toBe(true);
      expect(droppedTotal).toBe(0);
      // The outage is inside the stored range: snapshots from before, during and after it.
      expect(last).toBeGreaterThan(seqAtKill.get(id)! + 6);
      total += rows.length;
    }
    expect(total).toBe([...produced.values()].reduce((n, p) => n + p.last, 0));
  }, 120_000);

  it("one agent down longer than its buffer: the oldest are dropped and the controller learns exactly how many", async () => {
    const { db, broker, ctl } = await start();
    fleet = startSimAgents(broker.url, { count: 1, intervalMs: INTERVAL_MS, bufferSize: 3, seed: 12 });
    const a = fleet.agents[0]!;

    await waitFor(() => a.publisher.ackedSnapshots.size >= 4, { timeoutMs: 15_000, what: "4 acknowledged snapshots" });
    // Kill right after an acknowledgement: nothing is in flight, the buffer is empty.
    const before = a.publisher.ackedSnapshots.size;
    await waitFor(() => a.publisher.ackedSnapshots.size > before, { timeoutMs: 5000, what: "the next acknowledgement", intervalMs: 2 });
    expect(a.agent.buffered).toBe(0);
    await broker.kill();
    const lastBeforeKill = lastAcked(a);
    expect(lastBeforeKill).toBe(a.agent.seq);

    // 12 cycles without the broker: the buffer (3) overflows; it keeps the newest three.
    await waitFor(() => a.agent.seq >= lastBeforeKill + 12, { timeoutMs: 10_000, what: "12 cycles during the outage" });
    expect(a.agent.connected).toBe(false);
    expect(a.agent.buffered).toBe(3);
    const seqAtRestart = a.agent.seq;
    expect(a.agent.droppedTotal).toBe(seqAtRestart - lastBeforeKill - 3);

    await broker.restart();
    await waitFor(() => a.agent.connected && a.agent.buffered === 0, { timeoutMs: 15_000, what: "the buffer drained" });
    const seqAtDrain = a.agent.seq;
    const droppedAtDrain = a.agent.droppedTotal;
    await waitFor(() => a.agent.seq >= seqAtDrain + 2, { timeoutMs: 5000, what: "two more cycles" });
    await fleet.stop();
    const last = a.agent.seq;
    const dropped = a.agent.droppedTotal;
    expect(a.agent.buffered).toBe(0);
    // A cycle may still overflow the buffer while the agent reconnects, never fewer drops.
    expect(dropped).toBeGreaterThanOrEqual(seqAtRestart - lastBeforeKill - 3);
    expect(dropped).toBeGreaterThanOrEqual(9);

    const view = await stored(ctl, a.id, last);
    expect(view.droppedTotal).toBe(dropped);
    expect(await stopGracefully(ctl)).toBe(0);

    const { rows, droppedTotal } = (await readStored(db, [a.id])).get(a.id)!;
    expect(droppedTotal).toBe(dropped);
    // The oldest of the outage are missing, right after the last acknowledged one; the newest (what the buffer held) are stored.
    expectOneGap(rows, last, lastBeforeKill + 1, dropped);
    // Once the buffer drained with the broker up, nothing more was dropped (drops after the
    // restart, while the agent reconnected, took the oldest still buffered: one gap, above).
    expect(dropped).toBe(droppedAtDrain);
  }, 40_000);

  it("the broker frozen longer than the buffer: the publish it received unanswered is not counted as dropped", async () => {
    const { db, broker, ctl } = await start();
    fleet = startSimAgents(broker.url, { count: 1, intervalMs: INTERVAL_MS, bufferSize: 3, seed: 13, publishTimeoutMs: 400 });
    const a = fleet.agents[0]!;

    await waitFor(() => a.publisher.ackedSnapshots.size >= 4, { timeoutMs: 15_000, what: "4 acknowledged snapshots" });
    const before = a.publisher.ackedSnapshots.size;
    await waitFor(() => a.publisher.ackedSnapshots.size > before, { timeoutMs: 5000, what: "the next acknowledgement", intervalMs: 2 });
    // Frozen (SIGSTOP) between two cycles: the connection stays up, the next publish reaches
    // the broker's socket and gets no ack; the agent times out and retries it every cycle.
    broker.pause();
    const lastBeforeFreeze = lastAcked(a);
    expect(lastBeforeFreeze).toBe(a.agent.seq);
    await waitFor(() => a.agent.seq >= lastBeforeFreeze + 12, { timeoutMs: 10_000, what: "12 cycles while frozen" });
    expect(a.agent.connected).toBe(true);
    expect(a.publisher.ackedSnapshots.size).toBe(before + 1);
    broker.resume();

    await waitFor(() => a.agent.buffered === 0, { timeoutMs: 15_000, what: "the buffer drained" });
    const seqAtDrain = a.agent.seq;
    await waitFor(() => a.agent.seq >= seqAtDrain + 2, { timeoutMs: 5000, what: "two more cycles" });
    await fleet.stop();
    const last = a.agent.seq;
    const dropped = a.agent.droppedTotal;
    expect(dropped).toBeGreaterThanOrEqual(8);

    const view = await stored(ctl, a.id, last);
    expect(view.droppedTotal).toBe(dropped);
    expect(await stopGracefully(ctl)).toBe(0);

    const { rows, droppedTotal } = (await readStored(db, [a.id])).get(a.id)!;
    expect(droppedTotal).toBe(dropped);
    // The snapshot the frozen broker received is stored once and not counted; the gap is after it.
    expect(rows.filter((r) => r.seq === lastBeforeFreeze + 1).map((r) => r.dropped)).toEqual([0]);
    expectOneGap(rows, last, lastBeforeFreeze + 2, dropped);
  }, 40_000);
});
