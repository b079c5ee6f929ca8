import { afterEach, describe, expect, it } from "vitest";
import { World } from "@meshfleet/sim";
import { initRollout, JobsRepository, rolloutPolicy } from "@meshfleet/controller";
import type { Alert } from "@meshfleet/shared";
import { SimDrive } from "./sim-drive";

const MIN = 60_000;
const JOB = "job-chan0044";

describe("a config job's own reloads raise nothing that notifies (simulated fleet)", () => {
  let drive: SimDrive | null = null;
  afterEach(async () => {
    drive?.close();
    drive = null;
  });

  it("a job moves one node's mesh to another channel and rolls back: what that breaks is recorded under the job's silence and nothing is notified", { timeout: 300_000 }, async () => {
    const world = new World({ seed: 11, nodes: 10, routing: "babel", stationsPerNode: 2, fadingDb: 3 });
    const sent: Alert[] = [];
    drive = new SimDrive({ world, sinks: [{ name: "rec", deliver: (a) => Promise.resolve(void sent.push(a)) }] });
    await drive.runFor(20 * MIN);
    expect(await drive.service.alerts.list({})).toEqual([]);
    // The best-connected node other than the gateway gets the job.
    const target = [...world.model.nodes].filter((n) => !n.gateway).sort((a, b) => b.links.length - a.links.length || a.index - b.index)[0]!;
    const t0 = world.now;
    const jobs = new JobsRepository(drive.store);
    const state = initRollout([{ id: target.id, skip: null }], rolloutPolicy.parse({}), t0 + 3600_000);
    const running = { ...state, nodes: state.nodes.map((n) => ({ ...n, state: "applying" as const, attempts: 1, firstSentAt: t0, lastSentAt: t0 })) };
    await jobs.insert({ id: JOB, createdAt: t0, updatedAt: t0, description: "mesh channel 44", template: "mesh-channel", params: {}, target: target.id, verify: { deadlineMs: 60_000, minMeshPeers: 2 }, expiresAt: t0 + 3600_000, status: "running", finishedAt: null }, running, new Map([[target.id, { ops: [], reloads: [], basis: "reported" as const }]]));
    // Its `wifi reload` moves the mesh to channel 44; verify finds no mesh peer and the agent rolls back after 4 minutes.
    const since = t0 - world.startMs;
    world.schedule({ type: "setChannel", atMs: since + 10_000, node: target.id, channel: 44 }, { type: "setChannel", atMs: since + 4 * MIN, node: target.id, channel: target.meshChannel });
    await drive.runFor(4 * MIN);
    const prev = (await jobs.rollout(JOB))!;
    await jobs.save(JOB, prev, { ...prev, status: "completed", nodes: prev.nodes.map((n) => ({ ...n, state: "rolled_back" as const, finishedAt: world.now })) }, world.now);
    await drive.runFor(10 * MIN);

    const silence = (await drive.service.silences.list(0, true)).find((s) => s.kind === "job")!;
    expect(silence).toMatchObject({ node: target.id, createdBy: `job:${JOB}` });
    const recorded = await drive.service.alerts.list({});
    // The channel change breaks the node's mesh (lint mismatch, links down): recorded...
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(recorded.map((a) => a.code)).toContain("lint");
    // ...all under the job's silence, all resolved after the rollback, none notified.
    expect(recorded.filter((a) => a.silencedBy !== silence.id).map((a) => `${a.code} ${a.subject}: ${a.summary}`)).toEqual([]);
    expect(recorded.filter((a) => a.state === "open").map((a) => `${a.code} ${a.subject}`)).toEqual([]);
    await drive.service.alerts.flush();
    expect(sent).toEqual([]);
  });
});
