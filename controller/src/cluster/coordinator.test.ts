import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { silentLogger } from "../log";
import { Coordinator, type DutyHandlers } from "./coordinator";
import { leaseTiming } from "./lease";
import { LeaseStore } from "./lease-store";

/** Every duty change of every controller, in the order they happened. */
type Change = { who: string; what: "gain" | "lose" | "lead" | "unlead"; partition?: number };

function recorder(who: string, log: Change[]): DutyHandlers {
  return {
    gainPartition: async (partition) => void log.push({ who, what: "gain", partition }),
    losePartition: async (partition) => void log.push({ who, what: "lose", partition }),
    leader: async (leading) => void log.push({ who, what: leading ? "lead" : "unlead" }),
  };
}

describe("Coordinator on a real nats-server", () => {
  let srv: RunningNatsServer;
  const conns: NatsConnection[] = [];
  beforeAll(async () => {
    srv = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()));
    await srv.dispose();
  });

  async function controller(id: string, log: Change[], partitions = 8): Promise<{ c: Coordinator; nc: NatsConnection }> {
    const nc = await connect({ servers: srv.url });
    conns.push(nc);
    const { store, ttlMs } = await LeaseStore.open(nc, { ttlMs: 2000, replicas: 1 });
    const c = new Coordinator({ id, partitions, leases: store, timing: leaseTiming(ttlMs), handlers: recorder(id, log), log: silentLogger });
    return { c, nc };
  }

  it("splits the partitions, elects one leader, and moves a dead controller's duties after it gave them up", async () => {
    const log: Change[] = [];
    const a = await controller("ctl-a", log);
    const b = await controller("ctl-b", log);
    a.c.start();
    b.c.start();
    await waitFor(() => a.c.status().partitions.length === 4 && b.c.status().partitions.length === 4 && a.c.status().leader !== b.c.status().leader, { timeoutMs: 20_000, what: "an even split and one leader" });
    expect([...a.c.status().partitions, ...b.c.status().partitions].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const leader = a.c.status().leader ? a : b;
    const other = leader === a ? b : a;
    const dead = leader.c.status().id;

    // The leader's connection dies without a word: its leases are not renewed any more.
    await leader.nc.close();
    await waitFor(() => other.c.status().partitions.length === 8 && other.c.status().leader, { timeoutMs: 20_000, what: "the survivor holding everything" });

    // Safety: every partition the dead controller held was given up by it before the survivor took it.
    const deadHeld = log.filter((e) => e.who === dead && e.what === "gain").map((e) => e.partition);
    for (const p of deadHeld) {
      const lost = log.findIndex((e) => e.who === dead && e.what === "lose" && e.partition === p);
      const taken = log.findIndex((e, i) => i > log.findIndex((x) => x.who === dead && x.partition === p) && e.who !== dead && e.what === "gain" && e.partition === p);
      expect(lost).toBeGreaterThanOrEqual(0);
      expect(taken).toBeGreaterThan(lost);
    }
    expect(log.findIndex((e) => e.who === dead && e.what === "unlead")).toBeLessThan(log.findIndex((e) => e.who !== dead && e.what === "lead"));
    await other.c.stop();
    await leader.c.stop();
  }, 60_000);

  it("hands partitions back when a controller joins, and releases everything on a clean stop", async () => {
    const log: Change[] = [];
    const a = await controller("ctl-c", log, 6);
    a.c.start();
    await waitFor(() => a.c.status().partitions.length === 6, { timeoutMs: 20_000, what: "a lone controller holding every partition" });
    const b = await controller("ctl-d", log, 6);
    b.c.start();
    await waitFor(() => a.c.status().partitions.length === 3 && b.c.status().partitions.length === 3, { timeoutMs: 20_000, what: "the partitions split with the newcomer" });
    await a.c.stop();
    // released, not expired: the other takes them within a round or two of its own
    await waitFor(() => b.c.status().partitions.length === 6, { timeoutMs: 20_000, what: "the stopped controller's partitions taken" });
    await b.c.stop();
    const leases = (await LeaseStore.open(b.nc, { ttlMs: 2000, replicas: 1 })).store;
    for (let p = 0; p < 6; p++) expect((await leases.read(`partition.${p}`))?.holder ?? "").toBe("");
  }, 60_000);
});
