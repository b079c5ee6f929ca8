import { afterAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { freePort, startNatsCluster, tempDir, waitFor, type RunningNatsCluster } from "@meshfleet/testkit";
import { partitioned } from "@meshfleet/shared";
import { partitionOf, type StoreApi } from "@meshfleet/controller";
import { clusterConfigs } from "@meshfleet/controller/enroll";
import { killHard, metricValue, spawnController, stopGracefully, type ControllerProcess } from "../controller-helpers";
import { startSimAgents, type SimAgents } from "../fault/sim-agents";
import { startJobAgent, type JobAgentNode } from "../fault/job-agents";

/**
 * Several controllers (issue 18): two `meshfleet-controller serve --cluster-partitions 8`
 * processes on one store (a SQLite file or a PostgreSQL database), a real 3-server
 * nats-server cluster whose subject mapping partitions the fleet, 30 simulated agents
 * streaming and 6 job agents in a rollout. The leading controller is SIGKILLed mid-stream
 * and mid-rollout: the other takes its partitions and the lead, every acknowledged
 * snapshot is stored exactly once, the job completes with each node applying it once, and
 * no alert is open twice.
 */

const PARTITIONS = 8;
const SIM_NODES = 30;
const JOB_NODES = ["j01", "j02", "j03", "j04", "j05", "j06"];
/** Held in verification (no mesh peer) until the leader is dead. */
const HELD = ["j03", "j04"];
const ACCEPTED = 'meshfleet_ingest_messages_total{kind="snapshot",result="accepted"}';
/** The ingest's own figures, for a failure message. */
const metricLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("meshfleet_ingest_") && !l.includes("_bucket"))
    .join("\n");

interface ClusterView {
  cluster: { id: string; leader: boolean; partitions: number[]; members: string[] } | null;
}
interface JobView {
  status: string;
  nodes: { node: string; state: string; attempts: number }[];
}

/** Where the controllers keep their store: a SQLite file or a PostgreSQL database, and how the test reads it. */
export interface TakeoverStore {
  name: string;
  /** Creates the store; `target` is what `serve --db` gets. */
  create(dir: string): Promise<{ target: string; open(): Promise<StoreApi>; drop(): Promise<void> }>;
}

export function takeoverSuite(s: TakeoverStore, skip = false): void {
  describe.skipIf(skip)(`two controllers on one ${s.name} store, the leader SIGKILLed mid-stream and mid-rollout`, () => {
    let cluster: RunningNatsCluster | null = null;
    const procs: ControllerProcess[] = [];
    let fleet: SimAgents | null = null;
    const jobAgents = new Map<string, JobAgentNode>();
    let watcher: NatsConnection | null = null;
    const dir = tempDir("mf-two-controllers-");
    let store: Awaited<ReturnType<TakeoverStore["create"]>> | null = null;
    afterAll(async () => {
      await fleet?.stop().catch(() => undefined);
      for (const a of jobAgents.values()) await a.stop().catch(() => undefined);
      for (const p of procs) await killHard(p);
      await watcher?.close().catch(() => undefined);
      await cluster?.dispose();
      await store?.drop();
      dir.cleanup();
    }, 60_000);

    const view = async (p: ControllerProcess): Promise<NonNullable<ClusterView["cluster"]>> => ((await (await p.get("/api/cluster")).json()) as ClusterView).cluster!;

    it("moves the dead controller's partitions and lead to the survivor; nothing acknowledged is lost or stored twice", async () => {
      const mappings = partitioned.mappings(PARTITIONS).map(([from, to]) => `  ${JSON.stringify(from)}: ${JSON.stringify(to)}`);
      cluster = await startNatsCluster({
        config: (self, all, storeDir) => {
          const servers = all.map((m) => ({ name: m.name, host: "127.0.0.1", clientPort: m.clientPort, clusterPort: m.clusterPort }));
          return clusterConfigs({ name: "hub", domain: "hub", storeDir, servers }, `mappings {\n${mappings.join("\n")}\n}\n`).find((c) => c.server === self.name)!.config;
        },
      });
      const urls = cluster.urls.join(",");
      store = await s.create(dir.path);
      const db = store.target;
      const extra = (id: string) => ["--cluster-partitions", String(PARTITIONS), "--controller-id", id, "--lease-ttl", "10s"];
      procs.push(await spawnController(db, urls, await freePort(), extra("ctl-1")));
      procs.push(await spawnController(db, urls, await freePort(), extra("ctl-2")));
      await waitFor(
        async () => {
          const [a, b] = await Promise.all(procs.map(view));
          return a!.partitions.length === 4 && b!.partitions.length === 4 && a!.leader !== b!.leader;
        },
        { timeoutMs: 90_000, what: "the partitions split 4/4 and one leader", intervalMs: 200 },
      ).catch(async (err: unknown) => {
        throw new Error(`${String(err)}\n${JSON.stringify(await Promise.all(procs.map(view)))}\n${procs.map((p) => p.output()).join("\n----\n")}`);
      });
      const views = await Promise.all(procs.map(view));
      expect([...views[0]!.partitions, ...views[1]!.partitions].sort()).toEqual([...Array(PARTITIONS).keys()]);
      const leaderIdx = views[0]!.leader ? 0 : 1;
      const leader = procs[leaderIdx]!;
      const survivor = procs[1 - leaderIdx]!;

      // The broker maps each node where the controllers think it is.
      watcher = await connect({ servers: [...cluster.urls] });
      const seen = new Map<string, number>();
      const sub = watcher.subscribe("mf.p.>", {
        callback: (_e, m) => {
          const [, , p, , node] = m.subject.split(".");
          seen.set(node!, Number(p));
        },
      });

      // 42 snapshots/s in all (a real agent sends one per 10 s): what either store carries on a busy 2-core machine.
      fleet = startSimAgents(cluster.urls, { count: SIM_NODES, intervalMs: 1000, bufferSize: 10_000, seed: 18 });
      JOB_NODES.forEach((id, i) => jobAgents.set(id, startJobAgent(dir.path, id, i + 1, cluster!.urls[i % 3]!, { intervalMs: 500, meshPeers: HELD.includes(id) ? 0 : 1 })));
      const nodes = [...fleet.agents.map((a) => a.id), ...JOB_NODES];
      await waitFor(() => nodes.every((n) => seen.has(n)), { timeoutMs: 60_000, what: "every node's telemetry seen mapped" });
      sub.unsubscribe();
      for (const n of nodes) expect([n, seen.get(n)]).toEqual([n, partitionOf(n, PARTITIONS)]);

      // Each job agent's hello is in (whichever controller holds its partition stored it).
      await waitFor(
        async () => {
          for (const id of JOB_NODES) {
            const r = await leader.get(`/api/nodes/${id}`);
            if (r.status !== 200 || !((await r.json()) as { capabilities: string[] }).capabilities.includes("uci-jobs")) return false;
          }
          return true;
        },
        { timeoutMs: 60_000, what: "every job agent's hello stored", intervalMs: 200 },
      );
      const created = await leader.request("POST", "/api/jobs", {
        template: "routing-firewall",
        target: JOB_NODES.join(","),
        params: { protocol: "babel", zone: "lan" },
        rollout: { canary: 1, batchSize: 3, pauseMs: 500 },
        verify: { deadlineMs: 240_000, minMeshPeers: 1 },
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const jobId = ((await created.json()) as { id: string }).id;
      const job = async (p: ControllerProcess): Promise<JobView> => (await (await p.get(`/api/jobs/${jobId}`)).json()) as JobView;
      // Mid-rollout: the canary verified, a held node applied and verifying, a batch not sent.
      await waitFor(
        async () => {
          const j = await job(leader);
          return j.nodes.some((n) => HELD.includes(n.node) && n.state === "applied") && j.nodes.some((n) => n.state === "pending") && j.nodes.some((n) => n.state === "verified");
        },
        { timeoutMs: 90_000, what: "a held node applied and verifying, a batch pending", intervalMs: 100 },
      ).catch(async (err: unknown) => {
        throw new Error(`${String(err)}\n${JSON.stringify(await job(leader))}\n${procs.map((p) => p.output()).join("\n----\n")}`);
      });
      expect((await job(leader)).status).toBe("running");

      // Mid-stream: let every sim agent have a few snapshots acknowledged, then kill the leader.
      const ackedBefore = new Map(fleet.agents.map((a) => [a.id, a.publisher.ackedSnapshots.size]));
      await waitFor(() => fleet!.agents.every((a) => a.publisher.ackedSnapshots.size >= ackedBefore.get(a.id)! + 2), { timeoutMs: 60_000, what: "two more snapshots per node acknowledged" });
      // Both were ingesting their own partitions.
      for (const p of procs) expect(metricValue(await (await p.get("/metrics")).text(), ACCEPTED)).toBeGreaterThan(0);
      await killHard(leader);
      procs.splice(leaderIdx, 1);

      await waitFor(
        async () => {
          const v = await view(survivor);
          return v.partitions.length === PARTITIONS && v.leader;
        },
        { timeoutMs: 60_000, what: "the survivor holding every partition and the lead", intervalMs: 200 },
      );
      for (const id of HELD) jobAgents.get(id)!.meshPeers = 1;
      const done = await waitFor(
        async () => {
          const j = await job(survivor);
          return j.status === "running" ? null : j;
        },
        { timeoutMs: 120_000, what: "the job to end", intervalMs: 200 },
      );
      expect(done.status).toBe("completed");
      expect(done.nodes.map((n) => [n.node, n.state]).sort()).toEqual(JOB_NODES.map((id) => [id, "verified"]));
      // Applied once on every node: one "applied" report from its executor.
      for (const id of JOB_NODES) expect([id, jobAgents.get(id)!.statuses.filter((s) => s.jobId === jobId && s.state === "applied").length]).toEqual([id, 1]);

      // Agents keep streaming, the dead controller's nodes too (only the survivor can store
      // what is acknowledged from now on); then stop them and let it drain.
      const ackedAtTakeover = new Map(fleet.agents.map((a) => [a.id, a.publisher.ackedSnapshots.size]));
      await waitFor(() => fleet!.agents.every((a) => a.publisher.ackedSnapshots.size >= ackedAtTakeover.get(a.id)! + 2), { timeoutMs: 60_000, what: "snapshots acknowledged after the takeover" });
      await fleet.stop();
      for (const a of jobAgents.values()) await a.stop();
      const acked = new Map<string, Set<string>>([...fleet.agents.map((a) => [a.id, a.publisher.ackedSnapshots] as const), ...[...jobAgents].map(([id, a]) => [id, a.publisher.ackedSnapshots] as const)]);
      const total = [...acked.values()].reduce((n, s) => n + s.size, 0);
      const reader = await store.open();
      try {
        // The survivor drains the backlog alone: wait while the count grows, fail after 60 s without progress.
        let stored = 0;
        let progressAt = Date.now();
        await waitFor(
          async () => {
            const n = (await reader.rowCounts()).raw_snapshots ?? 0;
            if (n > stored) progressAt = Date.now();
            stored = n;
            if (Date.now() - progressAt > 60_000) throw new Error(`no snapshot stored for 60 s: ${n} of ${total}\n${metricLines(await (await survivor.get("/metrics")).text())}\n${survivor.output()}`);
            return n >= total;
          },
          { timeoutMs: 600_000, what: "every acknowledged snapshot stored", intervalMs: 500 },
        );
      } finally {
        await reader.close();
      }

      const alerts = (await (await survivor.get("/api/alerts?state=open&limit=1000")).json()) as { alerts: { code: string; subject: string }[] };
      const openKeys = alerts.alerts.map((a) => `${a.code} ${a.subject}`);
      expect(openKeys.filter((k, i) => openKeys.indexOf(k) !== i)).toEqual([]);
      expect(await stopGracefully(survivor)).toBe(0);
      procs.length = 0;

      const after = await store.open();
      try {
        expect((await after.rowCounts()).raw_snapshots).toBe(total);
        for (const [id, keys] of acked) {
          const stored = (await after.telemetry.range(id, 0, Number.MAX_SAFE_INTEGER)).map((r) => `${r.nodeId}:${r.boot}:${r.seq}`);
          expect([id, stored.length]).toEqual([id, new Set(stored).size]);
          expect([id, [...keys].filter((k) => !stored.includes(k))]).toEqual([id, []]);
        }
        // In the store as well as through the API: no (code, subject) open twice.
        const twice = await after.sql.query<{ code: string; subject: string; n: number }>("SELECT code, subject, count(*) AS n FROM alerts WHERE state = 'open' GROUP BY code, subject HAVING count(*) > 1");
        expect(twice).toEqual([]);
      } finally {
        await after.close();
      }
    }, 900_000);
  });
}
