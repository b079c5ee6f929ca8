import { afterEach, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { createTelemetryStream, startNatsServer, waitFor } from "@meshfleet/testkit";
import { decode, jobStatus as jobStatusSchema, subjects, type Job } from "@meshfleet/shared";
import { Agent } from "./agent";
import { CannedRouter } from "../../testing/canned-router";
import { hellosOf, jobStatusesOf, readTelemetryStream } from "../../testing/agent-test-support";
import { NatsPublisher } from "../publish/nats";
import { memoryLog } from "../log/types";
import type { JobHandler } from "./types";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function job(node: string, id: string): Job {
  return {
    type: "job",
    v: 1,
    id,
    node,
    attempt: 1,
    createdAt: 1_763_880_000_000,
    expiresAt: 1_763_883_600_000,
    description: "mesh channel 44",
    ops: [{ op: "set", config: "wireless", section: "radio1", option: "channel", value: "44" }],
    reloads: ["wifi"],
    verify: { deadlineMs: 60_000 },
  };
}

describe("Agent job delivery", () => {
  it("hands valid jobs for this node to the handler, publishes its statuses, and ignores the rest", async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    await createTelemetryStream(srv.url);
    const publisher = new NatsPublisher({ servers: [srv.url], reconnectWaitMs: 100 });
    cleanups.push(() => publisher.close());
    const seen: string[] = [];
    const handler: JobHandler = {
      async handle(j, report) {
        seen.push(j.id);
        await report({ type: "jobStatus", v: 1, jobId: j.id, node: j.node, boot: "ignored-boot", ts: 1_763_880_001_000, state: "received", reason: null, step: null });
        await report({ type: "jobStatus", v: 1, jobId: j.id, node: j.node, boot: "ignored-boot", ts: 1_763_880_002_000, state: "applied", reason: null, step: "reload wifi" });
      },
    };
    const log = memoryLog();
    const agent = new Agent({ nodeId: "r1", runner: new CannedRouter(), log, publisher, intervalMs: 200, bufferSize: 50, mode: "local", agentVersion: "t", jobHandler: handler });
    cleanups.push(() => agent.stop());
    agent.start();
    await waitFor(async () => hellosOf(await readTelemetryStream(srv.url)).length >= 1);

    const nc = await connect({ servers: srv.url });
    cleanups.push(() => nc.close());
    nc.publish(subjects.job("r1"), "{not json");
    nc.publish(subjects.job("r1"), JSON.stringify({ ...job("r1", "bad-job-1"), ops: [] }));
    nc.publish(subjects.job("r1"), JSON.stringify(job("r2", "other-node-1")));
    nc.publish(subjects.job("r1"), JSON.stringify(job("r1", "job-000001")));
    await nc.flush();

    const statuses = await waitFor(async () => {
      const s = jobStatusesOf(await readTelemetryStream(srv.url));
      return s.length >= 2 ? s : null;
    });
    expect(seen).toEqual(["job-000001"]);
    expect(statuses.map((s) => [s.jobId, s.state, s.node, s.boot])).toEqual([
      ["job-000001", "received", "r1", agent.bootId],
      ["job-000001", "applied", "r1", agent.bootId],
    ]);
    expect(statuses.every((s) => decode(jobStatusSchema, s, "job status").ok)).toBe(true);
    const hello = hellosOf(await readTelemetryStream(srv.url))[0];
    expect(hello?.capabilities).toContain("uci-jobs");
    const warnings = log.entries.filter((e) => e.level === "warn").map((e) => e.obj.event);
    expect(warnings).toEqual(expect.arrayContaining(["job_invalid", "job_wrong_node"]));
    expect(warnings.filter((w) => w === "job_invalid")).toHaveLength(2);
  });
});
