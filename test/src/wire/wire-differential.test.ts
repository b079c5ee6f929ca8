import { afterAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { subjects, WIRE_HEADERS, type Snapshot, type WireMode } from "@meshfleet/shared";
import { Agent, NatsPublisher, Outbox, WireEncoder, silentLog, type Publisher } from "@meshfleet/agent";
import { World } from "@meshfleet/sim";
import { Controller, FakeClock, openStore, silentLogger, type Store } from "@meshfleet/controller";

/**
 * The same simulated fleet sent in every wire mode (plain JSON as protocol version 1,
 * deflated keyframes, deltas against keyframes), each lane through its own real
 * nats-server, JetStream stream, controller and SQLite store, with the same disturbances:
 * a broker restart (agents reconnect: the next snapshot is a keyframe), a broker frozen
 * while a publish waits (the head is retried, maybe re-encoded, stored once), a batch the
 * store refuses (redelivered), and a controller restart (the new one has no keyframe in
 * memory and reads them back from the stream). What the controller hands to its listeners,
 * stores and answers on the API must be identical, field by field, in every lane.
 */
const NODES = 4;
const CYCLES = 72;
const START = Date.UTC(2026, 0, 1);
const MODES: readonly WireMode[] = ["json", "deflate", "delta"];

interface Lane {
  mode: WireMode;
  srv: RunningNatsServer;
  nc: NatsConnection;
  pub: NatsPublisher;
  outboxes: Outbox[];
  store: Store;
  controller: Controller;
  clock: FakeClock;
  /** Snapshots handed to ingest listeners, as JSON, by node:boot:seq. */
  seen: Map<string, string>;
  /** node:boot:seq of a snapshot whose transaction fails once (redelivered). */
  failOn: string | null;
  refused: number;
  /** Publishes per Mf-Enc value ("" for plain JSON). */
  sent: Record<string, number>;
  fetched: number;
}

const dir = tempDir("mf-wire-diff-");
const lanes: Lane[] = [];

afterAll(async () => {
  for (const l of lanes) {
    await l.controller.stop().catch(() => undefined);
    await l.pub.close();
    await l.nc.close();
    l.store.close();
    l.srv.resume();
    await l.srv.dispose();
  }
  dir.cleanup();
});

function startController(l: Lane): Controller {
  // One message per batch: a refused batch holds exactly the snapshot chosen, so every lane
  // stores each node's snapshots in the same order (counter rates depend on it).
  const c = new Controller({ nc: l.nc, store: l.store, clock: l.clock, log: silentLogger, ingest: { retryDelayMs: 100, batchMax: 1 } });
  c.ingest.onTransaction((items) => {
    if (items.some((it) => it.kind === "snapshot" && `${it.msg.node}:${it.msg.boot}:${it.msg.seq}` === l.failOn)) {
      l.failOn = null;
      l.refused += 1;
      throw new Error("store refuses this batch once");
    }
  });
  c.ingest.onCommitted((items) => {
    for (const it of items) if (it.kind === "snapshot") l.seen.set(`${it.msg.node}:${it.msg.boot}:${it.msg.seq}`, JSON.stringify(it.msg));
  });
  return c;
}

async function makeLane(mode: WireMode): Promise<Lane> {
  const srv = await startNatsServer();
  const nc = await connect({ servers: srv.url });
  const pub = new NatsPublisher({ servers: [srv.url], reconnectWaitMs: 100, publishTimeoutMs: 400, log: silentLog });
  const clock = new FakeClock(START);
  const store = openStore({ file: `${dir.path}/${mode}.sqlite`, clock });
  const outboxes = Array.from({ length: NODES }, () => new Outbox(50, new WireEncoder(mode, { keyframeEvery: 12 })));
  // As the Agent does: after every (re)connect the next snapshot is a keyframe.
  pub.onConnect(() => outboxes.forEach((o) => o.resetEncoding()));
  const l: Lane = { mode, srv, nc, pub, outboxes, store, clock, controller: null as never, seen: new Map(), failOn: null, refused: 0, fetched: 0, sent: {} };
  l.controller = startController(l);
  await l.controller.start();
  await waitFor(() => pub.connected, { what: `${mode} publisher connected` });
  return l;
}

/** The lane's publisher, counting what each publish carried. */
function counting(l: Lane): Publisher {
  return {
    get connected() {
      return l.pub.connected;
    },
    publish(subject, data, o) {
      const enc = o?.headers?.[WIRE_HEADERS.encoding] ?? "";
      l.sent[enc] = (l.sent[enc] ?? 0) + 1;
      return l.pub.publish(subject, data, o);
    },
    onConnect: (f) => l.pub.onConnect(f),
    subscribe: (s, h) => l.pub.subscribe(s, h),
    close: () => l.pub.close(),
  };
}

async function drainAll(l: Lane, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i++) await l.outboxes[i]!.drain(counting(l), 400);
}

describe("wire encodings: identical snapshots, rows and API answers whatever the agent sends", () => {
  it("over a long run with reconnects, a frozen broker, redeliveries and a controller restart", async () => {
    for (const m of MODES) lanes.push(await makeLane(m));
    const world = new World({ seed: 7, nodes: NODES, routing: "babel", stationsPerNode: 5, startMs: START });
    const ids = world.nodeIds();
    const agents = ids.map((id) => new Agent({ nodeId: id, runner: world.runnerFor(id), clock: { now: () => world.now }, log: silentLog, intervalMs: 10_000, bufferSize: 50, mode: "simulated", routing: "bird2", agentVersion: "test", bootId: `boot-${id}-1` }));

    for (let c = 0; c < CYCLES; c++) {
      world.at(START + c * 10_000);
      const snaps = await Promise.all(agents.map((a) => a.collectOnce()));
      for (const l of lanes) snaps.forEach((s, i) => l.outboxes[i]!.pushSnapshot(subjects.telemetry(ids[i]!), structuredClone(s) as Snapshot));

      if (c === 20) {
        // Broker restart: publishers reconnect; nothing is lost (JetStream file store).
        for (const l of lanes) await l.srv.restart();
        for (const l of lanes) await waitFor(() => l.pub.connected, { what: `${l.mode} reconnected` });
      }
      if (c === 30) for (const l of lanes) l.failOn = `${ids[1]}:boot-${ids[1]}-1:31`;
      if (c === 40) {
        // Frozen broker: the head's publish times out (it may be stored once the broker runs again).
        for (const l of lanes) {
          l.srv.pause();
          await l.outboxes[0]!.drain(counting(l), 400);
          l.srv.resume();
        }
      }
      if (c === 50) {
        // Controller restart: the new one keeps no keyframe in memory (they are in its store).
        for (const l of lanes) {
          // Everything sent so far stored and acknowledged: nothing waits for an ack timeout.
          await waitFor(async () => (await l.store.rowCounts()).raw_snapshots === NODES * 50, { what: `${l.mode} caught up`, timeoutMs: 20_000 });
          l.fetched += l.controller.ingest.wire.fetched;
          await l.controller.stop();
          // A new process: a new connection (the old one's open pull request goes with it,
          // instead of taking messages that would come back only after the ack wait).
          await l.nc.close();
          l.nc = await connect({ servers: l.srv.url });
          l.controller = startController(l);
          await l.controller.start();
        }
      }
      for (const l of lanes) await drainAll(l, ids);
      if (c === 30) for (const l of lanes) await waitFor(() => l.seen.has(`${ids[1]}:boot-${ids[1]}-1:31`), { what: `${l.mode}: the refused snapshot redelivered` });
    }
    for (const l of lanes) {
      await waitFor(
        async () => {
          await drainAll(l, ids);
          return l.outboxes.every((o) => o.size === 0) && (await l.store.rowCounts()).raw_snapshots === NODES * CYCLES;
        },
        { what: `${l.mode}: every snapshot stored (${JSON.stringify({ rows: (await l.store.rowCounts()).raw_snapshots, buffered: l.outboxes.map((o) => o.size), stats: l.controller.ingest.stats })})`, timeoutMs: 30_000 },
      );
      l.fetched += l.controller.ingest.wire.fetched;
    }

    // Every snapshot stored once in every lane, none dropped; after its restart the delta lane found
    // its keyframes in the store (none read back from the stream, which forgot them on ack).
    const delta = lanes.find((l) => l.mode === "delta")!;
    expect(delta.fetched).toBe(0);
    expect(Object.keys(lanes[0]!.sent)).toEqual([""]);
    expect(Object.keys(lanes[1]!.sent)).toEqual(["deflate"]);
    // Keyframes: at the start, after the reconnect and then every 12th; the rest deltas.
    expect(delta.sent["delta-deflate"]).toBeGreaterThan(NODES * CYCLES * 0.8);
    expect(delta.sent.deflate).toBeGreaterThanOrEqual(NODES * Math.floor(CYCLES / 12));
    for (const l of lanes) {
      expect(l.refused).toBe(1);
      expect(l.controller.ingest.stats.rejected).toEqual({});
      expect(l.outboxes.map((o) => o.totalDropped)).toEqual([0, 0, 0, 0]);
      expect(l.controller.ingest.stats.rejected).toEqual({});
      expect(l.seen.size).toBe(NODES * CYCLES);
    }

    const [ref, ...others] = lanes as [Lane, ...Lane[]];
    const rows = (l: Lane) => Promise.all(ids.map(async (id) => (await l.store.telemetry.range(id, 0, Number.MAX_SAFE_INTEGER)).map((r) => ({ ...r, id: 0, receivedAt: 0 })).sort((a, b) => a.seq - b.seq)));
    const states = async (l: Lane) => (await l.store.telemetry.states()).map((s) => ({ ...s, rawId: 0, receivedAt: 0 }));
    const seen = (l: Lane) => [...l.seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const l of [ref, ...others]) {
      l.clock.set(START + CYCLES * 10_000);
      await l.store.maintenance.run(START + CYCLES * 10_000 + 3600_000);
    }
    const station = JSON.parse(ref.seen.values().next().value!) as Snapshot;
    const mac = station.stations.data?.stations[0]?.mac ?? "00:00:00:00:00:00";
    const paths = [
      "/api/nodes",
      ...ids.flatMap((id) => [`/api/nodes/${id}`, `/api/nodes/${id}/stations`, `/api/nodes/${id}/mesh-paths`, `/api/nodes/${id}/neighbors`, `/api/nodes/${id}/routes`, `/api/nodes/${id}/counters`]),
      `/api/nodes/${ids[0]}/series?metric=signal&from=${START}&to=${START + CYCLES * 10_000}`,
      `/api/nodes/${ids[0]}/series?metric=counterByteRate&from=${START}&to=${START + CYCLES * 10_000}&step=60000`,
      `/api/history?node=${ids[0]}&metric=signal&key=${mac}&from=${START}&to=${START + CYCLES * 10_000}`,
      `/api/history?node=${ids[0]}&metric=signal&key=${mac}&from=${START}&to=${START + CYCLES * 10_000}&step=60000`,
      "/api/topology",
    ];
    const answers = async (l: Lane) => Promise.all(paths.map(async (p) => [p, (await l.controller.api.request(p)).status, await (await l.controller.api.request(p)).text()]));
    const refAnswers = await answers(ref);
    expect(refAnswers.every(([, status]) => status === 200)).toBe(true);
    for (const l of others) {
      expect(seen(l)).toEqual(seen(ref));
      expect(await rows(l)).toEqual(await rows(ref));
      expect(await states(l)).toEqual(await states(ref));
      expect(await answers(l)).toEqual(refAnswers);
    }
  }, 120_000);
});
