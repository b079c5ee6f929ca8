import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { RELOAD_ARGV } from "@meshfleet/agent/jobs";
import { openStore, systemClock } from "@meshfleet/controller";
import { killHard, spawnController, stopGracefully, type ControllerProcess } from "../controller-helpers";
import { FIREWALL, WIRELESS_1907, WIRELESS_2203 } from "../jobs-fleet";
import { startJobAgent, type JobAgentNode } from "./job-agents";

/**
 * The controller (`meshfleet-controller serve`, its own process) is killed with SIGKILL in
 * the middle of a rollout to ten real Agents: the canary and part of batch 1 verified,
 * two nodes of batch 1 still verifying, two batches not sent. One of them finishes while
 * the controller is dead. A new process on the same SQLite file must carry the rollout to
 * the end without losing an acknowledged message or applying the job twice anywhere.
 */

const ids = Array.from({ length: 10 }, (_, i) => `n${String(i + 1).padStart(2, "0")}`);
/** Batch 1 nodes held in verification (no mesh peer yet) when the controller dies. */
const HELD = ["n03", "n04"];
const RULE = "\nconfig rule 'meshfleet_babel'\n\toption name 'Allow-Babel'\n\toption family 'ipv6'\n\tlist proto 'udp'\n\toption src 'lan'\n\tlist src_ip 'fe80::/10'\n\toption dest_port '6696'\n\toption target 'ACCEPT'\n\n";
/** What the executor reports for one apply of the firewall rule (one reload). */
const ONE_APPLY = ["received", "applying", "applying", "applying", "applied", "verified"];

interface JobView {
  status: string;
  nodes: { node: string; state: string; batch: number; attempts: number; firstSentAt: number | null }[];
}

describe("controller killed with SIGKILL during a job rollout", () => {
  let srv: RunningNatsServer | null = null;
  let proc: ControllerProcess | null = null;
  const agents = new Map<string, JobAgentNode>();
  const dir = tempDir("mf-kill-rollout-");
  afterAll(async () => {
    for (const a of agents.values()) await a.stop().catch(() => undefined);
    if (proc) await killHard(proc);
    await srv?.dispose();
    dir.cleanup();
  }, 30_000);

  const job = async (id: string): Promise<JobView> => (await (await proc!.get(`/api/jobs/${id}`)).json()) as JobView;
  const nodeOf = (j: JobView, id: string) => j.nodes.find((n) => n.node === id)!;
  const executorStates = (id: string, jobId: string) => agents.get(id)!.statuses.filter((s) => s.jobId === jobId).map((s) => s.state);

  it("restarts on the same database: the rollout completes, every node applied the job exactly once, nothing acknowledged is lost", async () => {
    srv = await startNatsServer();
    const db = `${dir.path}/controller.sqlite`;
    const port = await freePort();
    proc = await spawnController(db, srv.url, port);
    ids.forEach((id, i) => agents.set(id, startJobAgent(dir.path, id, i + 1, srv!.url, { intervalMs: 250, meshPeers: HELD.includes(id) ? 0 : 1 })));
    // Every agent's hello is in: the controller knows all ten can apply jobs.
    await waitFor(
      async () => {
        for (const id of ids) {
          const r = await proc!.get(`/api/nodes/${id}`);
          if (r.status !== 200 || !((await r.json()) as { capabilities: string[] }).capabilities.includes("uci-jobs")) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, what: "every agent's hello stored", intervalMs: 200 },
    );

    const created = await proc.request("POST", "/api/jobs", {
      template: "routing-firewall",
      target: "all",
      params: { protocol: "babel", zone: "lan" },
      // Batches: [n01] [n02 n03 n04] [n05 n06 n07] [n08 n09 n10].
      rollout: { canary: 1, batchSize: 3, pauseMs: 1000 },
      verify: { deadlineMs: 40_000, minMeshPeers: 1 },
    });
    expect(created.status).toBe(201);
    const jobId = ((await created.json()) as { id: string }).id;

    // Mid-rollout: n01 and n02 verified, n03 and n04 applied and verifying, batches 2 and 3 pending.
    await waitFor(
      async () => {
        const j = await job(jobId);
        return ["n01", "n02"].every((id) => nodeOf(j, id).state === "verified") && HELD.every((id) => nodeOf(j, id).state === "applied");
      },
      { timeoutMs: 20_000, what: "canary and n02 verified, n03/n04 applied", intervalMs: 100 },
    );
    const before = await job(jobId);
    expect(before.status).toBe("running");
    expect(before.nodes.map((n) => [n.node, n.batch, n.state])).toEqual([
      ["n01", 0, "verified"],
      ["n02", 1, "verified"],
      ["n03", 1, "applied"],
      ["n04", 1, "applied"],
      ...ids.slice(4).map((id, i) => [id, 2 + Math.floor(i / 3), "pending"]),
    ]);

    // Frozen first, so that snapshots the broker acknowledges in the last moments are
    // certainly not stored by this process (some delivered to it, never acknowledged).
    proc.child.kill("SIGSTOP");
    const ackedAtStop = new Map([...agents].map(([id, a]) => [id, new Set(a.publisher.ackedSnapshots)]));
    await waitFor(() => [...agents].every(([id, a]) => a.publisher.ackedSnapshots.size >= ackedAtStop.get(id)!.size + 3), { timeoutMs: 10_000, what: "three more snapshots per node acknowledged" });
    await killHard(proc);
    expect(proc.child.signalCode).toBe("SIGKILL");
    const ackedAtKill = new Map([...agents].map(([id, a]) => [id, new Set(a.publisher.ackedSnapshots)]));
    // What the old process had committed when it died. A broker acknowledgement can reach
    // the agent after the signal, for a snapshot the process stored just before it froze,
    // so the frozen window is read from the database, not from the agents' ack lists.
    const storedAtKill = new Set<string>();
    const atKillReader = openStore({ file: db, clock: systemClock });
    try {
      for (const id of ids) for (const r of await atKillReader.telemetry.range(id, 0, Number.MAX_SAFE_INTEGER)) storedAtKill.add(`${r.nodeId}:${r.boot}:${r.seq}`);
    } finally {
      atKillReader.close();
    }

    // n03 finishes while no controller runs: its verified status waits in the stream.
    agents.get("n03")!.meshPeers = 1;
    await waitFor(() => agents.get("n03")!.publisher.ackedStatuses.some((s) => s.jobId === jobId && s.state === "verified"), {
      timeoutMs: 10_000,
      what: "n03 verified status acknowledged by the broker",
    });
    for (const id of ids.slice(4)) expect(agents.get(id)!.deliveries).toEqual([]);

    const restartedAt = Date.now();
    proc = await spawnController(db, srv.url, port);
    // The status published while it was dead is taken from the stream.
    await waitFor(async () => nodeOf(await job(jobId), "n03").state === "verified", { timeoutMs: 15_000, what: "n03 verified after the restart", intervalMs: 100 });
    expect(nodeOf(await job(jobId), "n04").state).toBe("applied");
    agents.get("n04")!.meshPeers = 1;

    const done = await waitFor(
      async () => {
        const j = await job(jobId);
        return j.status === "running" ? null : j;
      },
      { timeoutMs: 30_000, what: "the job to end", intervalMs: 200 },
    );
    expect(done.status).toBe("completed");
    expect(done.nodes.map((n) => [n.node, n.state, n.attempts])).toEqual(ids.map((id) => [id, "verified", 1]));
    // Batches 2 and 3 were sent by the restarted process.
    for (const n of done.nodes.slice(4)) expect(n.firstSentAt).toBeGreaterThanOrEqual(restartedAt);

    for (const [i, id] of ids.entries()) {
      const a = agents.get(id)!;
      expect(a.file("firewall")).toBe(`${FIREWALL.slice(0, -1)}${RULE}`);
      expect(a.file("wireless")).toBe(i % 2 === 0 ? WIRELESS_1907 : WIRELESS_2203);
      // Delivered once, applied once: one executor run, one firewall reload, one record in the state file.
      expect(a.deliveries.filter((d) => d.id === jobId).map((d) => d.attempt)).toEqual([1]);
      expect(executorStates(id, jobId)).toEqual(ONE_APPLY);
      expect(a.runner.commands.filter((c) => Object.values(RELOAD_ARGV).some((r) => r.join(" ") === c.join(" ")))).toEqual([[...RELOAD_ARGV.firewall]]);
      const state = JSON.parse(readFileSync(a.statePath, "utf8")) as { jobs: { jobId: string; state: string }[] };
      expect(state.jobs.map((r) => [r.jobId, r.state])).toEqual([[jobId, "verified"]]);
    }

    // Stop the agents, then let the controller take in everything the broker acknowledged.
    for (const a of agents.values()) await a.stop();
    const acked = new Map([...agents].map(([id, a]) => [id, a.publisher.ackedSnapshots]));
    const total = [...acked.values()].reduce((n, s) => n + s.size, 0);
    const reader = openStore({ file: db, clock: systemClock });
    try {
      await waitFor(async () => ((await reader.rowCounts()).raw_snapshots ?? 0) >= total, { timeoutMs: 20_000, what: "every acknowledged snapshot stored", intervalMs: 200 });
    } finally {
      reader.close();
    }
    expect(await stopGracefully(proc)).toBe(0);
    proc = null;

    const store = openStore({ file: db, clock: systemClock });
    try {
      expect((await store.rowCounts()).raw_snapshots).toBe(total);
      for (const id of ids) {
        const rows = await store.telemetry.range(id, 0, Number.MAX_SAFE_INTEGER);
        const stored = rows.map((r) => `${r.nodeId}:${r.boot}:${r.seq}`);
        expect(new Set(stored).size).toBe(stored.length);
        const atKill = [...ackedAtKill.get(id)!];
        expect(atKill.filter((k) => !stored.includes(k))).toEqual([]);
        // Acknowledged by the broker while the old process was frozen: stored by the new one.
        const whileFrozen = atKill.filter((k) => !ackedAtStop.get(id)!.has(k) && !storedAtKill.has(k));
        expect(whileFrozen.length).toBeGreaterThanOrEqual(2);
        for (const k of whileFrozen) expect(rows[stored.indexOf(k)]!.receivedAt).toBeGreaterThanOrEqual(restartedAt);
        expect([...acked.get(id)!].filter((k) => !stored.includes(k))).toEqual([]);
        expect(stored.length).toBe(acked.get(id)!.size);
      }
    } finally {
      store.close();
    }
  }, 90_000);
});
