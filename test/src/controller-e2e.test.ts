import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { Controller, FakeClock, openStore, silentLogger, type Store } from "@meshfleet/controller";
import { buildHello, buildSnapshot } from "@meshfleet/controller/testing";

const T0 = 1_800_000_000_000;

describe("controller end to end: JetStream in, SQLite rows and HTTP answers out", () => {
  let srv: RunningNatsServer;
  let nc: NatsConnection;
  let store: Store;
  let controller: Controller;
  const dir = tempDir("mf-e2e-");
  const clock = new FakeClock(T0);

  beforeAll(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    controller = new Controller({ nc, store, clock, log: silentLogger, listen: { host: "127.0.0.1", port: 0 } });
    await controller.start();
  });
  afterAll(async () => {
    await controller?.stop();
    await nc?.close();
    store?.close();
    await srv?.dispose();
    dir.cleanup();
  });

  it("serves what agents published", async () => {
    const js = jetstream(nc);
    const macs = ["02:00:00:00:01:01", "02:00:00:00:02:01"];
    for (const [i, node] of ["mesh-1", "mesh-2"].entries()) {
      await js.publish(subjects.hello(node), JSON.stringify(buildHello({ node, ts: T0, macs: [macs[i]!] })));
      for (let seq = 1; seq <= 3; seq++) {
        await js.publish(subjects.telemetry(node), JSON.stringify(buildSnapshot({ node, seq, ts: T0 - 30_000 + seq * 10_000, peers: [macs[1 - i]!], paths: [[macs[1 - i]!, macs[1 - i]!]], profile: { stations: 3 } })));
      }
    }
    const base = `http://127.0.0.1:${controller.address!.port}`;
    await waitFor(async () => (await store.telemetry.stateOf("mesh-2"))?.seq === 3, { what: "mesh-2 seq 3" });
    expect(await store.rowCounts()).toMatchObject({ nodes: 2, node_macs: 2, raw_snapshots: 6, node_state: 2 });

    const nodes = (await (await fetch(`${base}/api/nodes`)).json()) as { nodes: { id: string; status: string; stations: number; peers: number }[] };
    expect(nodes.nodes.map((n) => [n.id, n.status, n.stations, n.peers])).toEqual([
      ["mesh-1", "online", 3, 1],
      ["mesh-2", "online", 3, 1],
    ]);
    const stations = (await (await fetch(`${base}/api/nodes/mesh-1/stations`)).json()) as { items: { mac: string; node: string | null }[] };
    expect(stations.items[0]).toMatchObject({ mac: macs[1], node: "mesh-2" });
    const topo = (await (await fetch(`${base}/api/topology`)).json()) as { links: { source: string; target: string; properties: { type: string } }[] };
    expect(topo.links.filter((l) => l.properties.type === "mesh").map((l) => [l.source, l.target])).toEqual([["mesh-1", "mesh-2"]]);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", checks: { store: { ok: true }, ingest: { ok: true }, nats: { ok: true } } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('meshfleet_ingest_messages_total{kind="snapshot",result="accepted"} 6');
    expect(metrics).toContain('meshfleet_ingest_messages_total{kind="hello",result="accepted"} 2');
  });
});
