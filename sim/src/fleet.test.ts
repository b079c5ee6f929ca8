import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelemetryStream, startNatsServer, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { hello as helloSchema, snapshot as snapshotSchema, type Snapshot } from "@meshfleet/shared";
import { hellosOf, readTelemetryStream, snapshotsOf } from "@meshfleet/agent/testing";
import { NatsPublisher, silentLog } from "@meshfleet/agent";
import { SimFleet, reachesGateway } from "./fleet";
import { World } from "./world";

describe("simulated fleet over a real nats-server", () => {
  let nats: RunningNatsServer;
  beforeAll(async () => {
    nats = await startNatsServer();
    await createTelemetryStream(nats.url);
  });
  afterAll(async () => {
    await nats?.dispose();
  });

  it("one agent per node over one connection; a rebooted node comes back with a new boot id and seq from 1", async () => {
    const world = new World({ seed: 4, nodes: 4, routing: "rip", startMs: Date.now() });
    world.schedule({ type: "rebootNode", atMs: 1500, node: "node-3", downMs: 1500 });
    const publisher = new NatsPublisher({ servers: [nats.url], log: silentLog });
    const fleet = new SimFleet({ world, publisher, intervalMs: 300, log: silentLog, agentVersion: "0.1.0-test" });
    let snaps: Snapshot[] = [];
    try {
      fleet.start();
      const firstBoot = await waitFor(() => fleet.agent("node-3")?.bootId, { what: "node-3 agent" });
      const msgs = await waitFor(
        async () => {
          const m = await readTelemetryStream(nats.url);
          return snapshotsOf(m).some((s) => s.node === "node-3" && s.boot !== firstBoot && s.seq >= 3) ? m : null;
        },
        { timeoutMs: 20_000, intervalMs: 300, what: "node-3 back after its reboot" },
      );
      snaps = snapshotsOf(msgs);
      const hellos = hellosOf(msgs);
      for (const s of snaps) expect(snapshotSchema.safeParse(s).success).toBe(true);
      for (const h of hellos) expect(helloSchema.safeParse(h).success).toBe(true);
      expect(new Set(snaps.map((s) => s.node))).toEqual(new Set(["node-1", "node-2", "node-3", "node-4"]));

      // Per boot, seq counts 1, 2, 3 ... in stream order.
      const byBoot = new Map<string, number[]>();
      for (const s of snaps) byBoot.set(`${s.node}/${s.boot}`, [...(byBoot.get(`${s.node}/${s.boot}`) ?? []), s.seq]);
      for (const seqs of byBoot.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const boots3 = [...new Set(snaps.filter((s) => s.node === "node-3").map((s) => s.boot))];
      expect(boots3).toHaveLength(2);
      expect(boots3[0]).toBe(firstBoot);
      expect(fleet.started).toBe(5);

      // Nothing from node-3 while it was down; after it, uptime counts from the new boot.
      const n3 = world.node("node-3");
      const down = snaps.filter((s) => s.node === "node-3" && s.ts >= n3.downFrom && s.ts < n3.downUntil);
      expect(down).toEqual([]);
      const back = snaps.find((s) => s.node === "node-3" && s.boot !== firstBoot)!;
      expect(back.system.data!.uptimeSec!).toBeLessThan(5);
      expect(hellos.filter((h) => h.node === "node-3").map((h) => h.boot)).toEqual(expect.arrayContaining(boots3));

      // What the controller gets is the world, read through the real collectors.
      const s1 = snaps.filter((s) => s.node === "node-1").at(-1)!;
      expect(s1.meshPaths.data!.paths.map((p) => p.dest).sort()).toEqual(["node-2", "node-3", "node-4"].map((id) => world.node(id).macs.mesh).sort());
      expect(s1.routing.data).toMatchObject({ daemon: "bird2" });
      expect(s1.routing.data!.neighbors.length).toBeGreaterThan(0);
      expect(s1.counters.data!.counters.some((c) => c.comment === "!fw4: Allow-RIPng")).toBe(true);
      expect(s1.system.data!.delegatedPrefixes).toEqual([world.model.sites[0]!.delegated]);
      const h1 = hellos.find((h) => h.node === "node-1")!;
      expect(h1.mode).toBe("simulated");
      expect(h1.interfaces.find((i) => i.name === "mesh0")).toMatchObject({ mac: world.node("node-1").macs.mesh, linkLocal: [world.node("node-1").linkLocal.mesh], wireless: true });
    } finally {
      await fleet.stop();
      await publisher.close();
    }
  }, 40_000);

  it("shards: each process hosts every n-th node of the same world", async () => {
    const world = new World({ seed: 4, nodes: 5, startMs: Date.now() });
    const fleets = [0, 1].map((index) => new SimFleet({ world, intervalMs: 60_000, log: silentLog, agentVersion: "0.1.0-test", stagger: false, shard: { index, count: 2 } }));
    try {
      fleets.forEach((f) => f.start());
      expect(world.nodeIds().map((id) => fleets.findIndex((f) => f.agent(id) !== undefined))).toEqual([0, 1, 0, 1, 0]);
      expect(fleets.map((f) => f.size)).toEqual([3, 2]);
      expect(() => new SimFleet({ world, intervalMs: 1000, log: silentLog, agentVersion: "x", shard: { index: 2, count: 2 } })).toThrow(/invalid shard/);
      expect(reachesGateway(world, world.node("node-4"))).toBe(true);
    } finally {
      await Promise.all(fleets.map((f) => f.stop()));
    }
  });
});
