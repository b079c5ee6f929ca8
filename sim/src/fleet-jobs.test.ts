import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createTelemetryStream, startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { PROTOCOL_VERSION, subjects, type Job, type JobStatus } from "@meshfleet/shared";
import { jobStatusesOf, readTelemetryStream } from "@meshfleet/agent/testing";
import { NatsPublisher, silentLog } from "@meshfleet/agent";
import { SimFleet } from "./fleet";
import { peerViews } from "./views";
import { World } from "./world";

function job(id: string, node: string, ops: Job["ops"], deadlineMs: number): Job {
  const now = Date.now();
  return { type: "job", v: PROTOCOL_VERSION, id, node, attempt: 1, createdAt: now, expiresAt: now + 120_000, description: id, ops, reloads: ["wifi"], verify: { deadlineMs } };
}

describe("config jobs on simulated nodes (real nats-server, UCI files, job executor)", () => {
  let nats: RunningNatsServer;
  let nc: NatsConnection;
  const dir = tempDir("mf-sim-jobs-");
  beforeAll(async () => {
    nats = await startNatsServer();
    await createTelemetryStream(nats.url);
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
    dir.cleanup();
  });

  it("an AP channel job is verified; a mesh channel job cuts the node off its uplink and is rolled back", async () => {
    const world = new World({ seed: 4, nodes: 4, routing: "rip", startMs: Date.now(), configRoot: dir.path });
    const publisher = new NatsPublisher({ servers: [nats.url], log: silentLog });
    const fleet = new SimFleet({ world, publisher, intervalMs: 300, log: silentLog, agentVersion: "0.1.0-test", jobs: true });
    const statuses = async (id: string): Promise<JobStatus[]> => jobStatusesOf(await readTelemetryStream(nats.url)).filter((s) => s.jobId === id);
    const n3 = world.node("node-3");
    try {
      fleet.start();
      await waitFor(() => fleet.agent("node-3")?.seq, { what: "node-3 collecting" });
      await waitFor(() => publisher.connected, { what: "broker connection" });

      nc.publish(subjects.job("node-3"), JSON.stringify(job("ap-channel-0001", "node-3", [{ op: "set", config: "wireless", section: "radio0", option: "channel", value: "6" }], 3000)));
      const ok = await waitFor(async () => ((await statuses("ap-channel-0001")).some((s) => s.state === "verified") ? statuses("ap-channel-0001") : null), { timeoutMs: 15_000, what: "AP job verified" });
      expect(ok.map((s) => s.state)).toEqual(expect.arrayContaining(["applied", "verified"]));
      expect(n3.apChannel).toBe(6);
      expect(n3.meshChannel).toBe(36);

      const peersBefore = peerViews(world, n3).length;
      expect(peersBefore).toBeGreaterThan(0);
      nc.publish(subjects.job("node-3"), JSON.stringify(job("mesh-channel-0001", "node-3", [{ op: "set", config: "wireless", section: "radio1", option: "channel", value: "44" }], 1500)));
      await waitFor(() => n3.meshChannel === 44, { timeoutMs: 10_000, what: "node-3 on channel 44" });
      expect(peerViews(world, n3)).toEqual([]);
      const rolled = await waitFor(async () => ((await statuses("mesh-channel-0001")).some((s) => s.state === "rolled_back") ? statuses("mesh-channel-0001") : null), {
        timeoutMs: 20_000,
        what: "mesh job rolled back",
      });
      expect(rolled.find((s) => s.state === "rolled_back")!.reason).toMatch(/controller|connected/);
      expect(n3.meshChannel).toBe(36);
      expect(peerViews(world, n3).length).toBe(peersBefore);
    } finally {
      await fleet.stop();
      await publisher.close();
    }
  }, 60_000);
});
