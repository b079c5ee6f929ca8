import { afterAll, describe, expect, it } from "vitest";
import { startNatsServer, tempDir, waitFor, freePort, type RunningNatsServer } from "@meshfleet/testkit";
import { PgStore, systemClock } from "@meshfleet/controller";
import { createTestDatabase, postgresForSuite, type TestDatabase } from "@meshfleet/controller/testing";
import { spawnController, stopGracefully, type ControllerProcess } from "../controller-helpers";
import { startSimAgents, type SimAgents } from "../fault/sim-agents";
import { startJobAgent, type JobAgentNode } from "../fault/job-agents";

/**
 * `meshfleet-controller serve --db postgres://…` as users run it: the built controller on a
 * new PostgreSQL database (`mf_test_<random>`, dropped after), a real nats-server, a few
 * simulated agents and two job agents. Nodes, history, events, an alert and a job all work
 * through the API, and what the API shows is in PostgreSQL.
 */
const pgHere = await postgresForSuite("serve on PostgreSQL");

const JOB_NODES = ["j01", "j02"];

describe.skipIf(!pgHere)("serve --db postgres://", () => {
  let nats: RunningNatsServer | null = null;
  let db: TestDatabase | null = null;
  let ctl: ControllerProcess | null = null;
  let fleet: SimAgents | null = null;
  const jobAgents: JobAgentNode[] = [];
  const dir = tempDir("mf-serve-pg-");
  afterAll(async () => {
    await fleet?.stop().catch(() => undefined);
    for (const a of jobAgents) await a.stop().catch(() => undefined);
    if (ctl) await stopGracefully(ctl);
    await nats?.dispose();
    await db?.drop();
    dir.cleanup();
  }, 60_000);

  it("stores nodes, history and events, opens an alert and runs a job, all in PostgreSQL", async () => {
    db = await createTestDatabase();
    nats = await startNatsServer();
    ctl = await spawnController(db.url, nats.url, await freePort());
    const c = ctl;
    const json = async <T>(path: string): Promise<T> => {
      const r = await c.get(path);
      expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
      return (await r.json()) as T;
    };
    fleet = startSimAgents(nats.url, { count: 4, intervalMs: 500, bufferSize: 1000, seed: 7 });
    JOB_NODES.forEach((id, i) => jobAgents.push(startJobAgent(dir.path, id, i + 1, nats!.url, { intervalMs: 250, meshPeers: 1 })));
    const ids = [...fleet.agents.map((a) => a.id), ...JOB_NODES].sort();

    // Nodes: every agent's hello and snapshots are in.
    await waitFor(
      async () => {
        const { nodes } = await json<{ nodes: { id: string; lastSeen: number | null }[] }>("/api/nodes");
        return ids.every((id) => nodes.some((n) => n.id === id && n.lastSeen !== null));
      },
      { timeoutMs: 30_000, what: "every node listed with a snapshot", intervalMs: 200 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${c.output()}`);
    });

    // History: a station's signal of a simulated node, raw samples from PostgreSQL.
    const node = fleet.agents[0]!.id;
    const stations = await waitFor(
      async () => {
        const s = await json<{ items: { mac: string }[] }>(`/api/nodes/${node}/stations`);
        return s.items.length > 0 ? s.items : null;
      },
      { timeoutMs: 20_000, what: `a station on ${node}`, intervalMs: 200 },
    );
    const to = Date.now() + 1000;
    const h = await json<{ source: string; points: unknown[] }>(`/api/history?node=${node}&metric=signal&key=${stations[0]!.mac}&from=${to - 600_000}&to=${to}`);
    expect(h.source).toBe("raw");
    expect(h.points.length).toBeGreaterThan(0);

    // An alert: one simulated agent stops; after three missed intervals its node is offline.
    const gone = fleet.agents[1]!;
    await gone.agent.stop();
    const alert = await waitFor(
      async () => {
        const { alerts } = await json<{ alerts: { id: string; code: string; subject: string; state: string }[] }>("/api/alerts?state=open");
        return alerts.find((a) => a.code === "node_offline" && a.subject === `node:${gone.id}`) ?? null;
      },
      { timeoutMs: 40_000, what: `node_offline for ${gone.id}`, intervalMs: 250 },
    );
    const one = await json<{ alert: { id: string; evidence: { eventIds: number[] } }; events: { code: string; node: string }[] }>(`/api/alerts/${alert.id}`);
    expect(one.events.map((e) => [e.code, e.node])).toContainEqual(["node_offline", gone.id]);
    // Events: the same event through /api/events.
    const { events } = await json<{ events: { code: string; node: string }[] }>(`/api/events?node=${gone.id}&code=node_offline`);
    expect(events.length).toBeGreaterThan(0);
    const acked = await c.request("POST", `/api/alerts/${alert.id}/ack`, { by: "ops" });
    expect(acked.status, await acked.clone().text()).toBe(200);

    // A job on the two job agents: created, delivered, applied and verified.
    await waitFor(
      async () => {
        for (const id of JOB_NODES) {
          const r = await c.get(`/api/nodes/${id}`);
          if (r.status !== 200 || !((await r.json()) as { capabilities: string[] }).capabilities.includes("uci-jobs")) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, what: "the job agents' hellos", intervalMs: 200 },
    );
    const created = await c.request("POST", "/api/jobs", { template: "routing-firewall", target: JOB_NODES.join(","), params: { protocol: "babel", zone: "lan" }, rollout: { canary: 1, batchSize: 1, pauseMs: 0 }, verify: { deadlineMs: 30_000, minMeshPeers: 1 } });
    expect(created.status, await created.clone().text()).toBe(201);
    const jobId = ((await created.json()) as { id: string }).id;
    const done = await waitFor(
      async () => {
        const j = await json<{ status: string; nodes: { node: string; state: string }[] }>(`/api/jobs/${jobId}`);
        return j.status === "running" ? null : j;
      },
      { timeoutMs: 60_000, what: "the job to end", intervalMs: 200 },
    );
    expect(done.status).toBe("completed");
    expect(done.nodes.map((n) => [n.node, n.state])).toEqual(JOB_NODES.map((id) => [id, "verified"]));

    // It is all in PostgreSQL.
    await fleet.stop();
    for (const a of jobAgents) await a.stop();
    expect(await stopGracefully(c)).toBe(0);
    ctl = null;
    const store = await PgStore.open({ url: db.url, clock: systemClock, poolSize: 1 });
    try {
      const counts = await store.rowCounts();
      expect(counts.nodes).toBe(ids.length);
      expect(counts.raw_snapshots).toBeGreaterThan(ids.length);
      // Acknowledged by the API token's name (the CLI named it "test"), whatever the body says.
      // (Its state is not checked: the stopped agent's last buffered snapshots may arrive at the fleet's stop and resolve it.)
      const [a] = await store.sql.query<{ code: string; ack_by: string | null }>("SELECT code, ack_by FROM alerts WHERE id = $1", [Number(alert.id)]);
      expect(a).toEqual({ code: "node_offline", ack_by: "test" });
      const [j] = await store.sql.query<{ status: string }>("SELECT status FROM jobs WHERE id = $1", [jobId]);
      expect(j).toEqual({ status: "completed" });
    } finally {
      await store.close();
    }
  }, 180_000);
});
