import { afterEach, describe, expect, it } from "vitest";
import { createTelemetryStream, startNatsServer, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { ERROR_CODES, decode, hello as helloSchema, snapshot as snapshotSchema, type Snapshot } from "@meshfleet/shared";
import { Agent, type AgentOptions } from "./agent";
import { CannedRouter } from "../../testing/canned-router";
import { readTelemetryStream, snapshotsOf, hellosOf } from "../../testing/agent-test-support";
import { NatsPublisher } from "../publish/nats";
import { memoryLog } from "../log/types";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(): Promise<RunningNatsServer> {
  const srv = await startNatsServer();
  cleanups.push(() => srv.dispose());
  await createTelemetryStream(srv.url);
  return srv;
}

function publisherFor(srv: RunningNatsServer): NatsPublisher {
  const p = new NatsPublisher({ servers: [srv.url], reconnectWaitMs: 100, publishTimeoutMs: 1000 });
  cleanups.push(() => p.close());
  return p;
}

function agentWith(publisher: NatsPublisher, over: Partial<AgentOptions> = {}): Agent {
  const a = new Agent({
    nodeId: "r1",
    runner: new CannedRouter(),
    log: memoryLog(),
    publisher,
    intervalMs: 150,
    bufferSize: 100,
    mode: "local",
    agentVersion: "0.1.0-test",
    publishTimeoutMs: 1000,
    ...over,
  });
  cleanups.push(() => a.stop());
  return a;
}

function valid(s: unknown): Snapshot {
  const r = decode(snapshotSchema, s, "snapshot");
  if (!r.ok) throw r.error;
  return r.value;
}

describe("Agent over a real nats-server", () => {
  it("sends a hello, then snapshots that validate, seq counting from 1", async () => {
    const srv = await broker();
    const agent = agentWith(publisherFor(srv));
    agent.start();
    const msgs = await waitFor(async () => {
      const m = await readTelemetryStream(srv.url);
      return snapshotsOf(m).length >= 3 ? m : null;
    });
    expect(msgs[0]?.kind).toBe("hello");
    const hello = decode(helloSchema, msgs[0]?.body, "hello");
    expect(hello.ok).toBe(true);
    const h = hello.ok ? hello.value : null;
    expect(h).toMatchObject({ node: "r1", boot: agent.bootId, mode: "local", intervalMs: 150, hostname: "r1", agentVersion: "0.1.0-test" });
    expect(h?.board?.model).toBe("Linksys E8450 (UBI)");
    expect(h?.capabilities).toEqual(["bird", "mesh-paths", "nft", "stations"]);
    expect(h?.interfaces.find((i) => i.name === "mesh0")).toEqual({ name: "mesh0", mac: "02:00:01:00:00:01", linkLocal: ["fe80::2:ff:fe00:2"], wireless: true });
    expect(h?.interfaces.find((i) => i.name === "br-lan")).toMatchObject({ mac: "02:00:01:00:00:02", linkLocal: ["fe80::1:ff:fe00:1"], wireless: false });

    const snaps = snapshotsOf(msgs).map(valid);
    expect(snaps.slice(0, 3).map((s) => s.seq)).toEqual([1, 2, 3]);
    const s = snaps[0]!;
    expect(s).toMatchObject({ node: "r1", boot: agent.bootId, dropped: 0, intervalMs: 150 });
    expect(s.stations.data?.stations).toHaveLength(6);
    expect(s.meshPaths.data?.paths).toHaveLength(3);
    expect(s.routing.data?.daemon).toBe("bird2");
    expect(s.routing.data?.routes).toHaveLength(5);
    expect(s.routing.data?.neighbors.length).toBeGreaterThan(0);
    expect(s.counters.data?.counters).toHaveLength(4);
    expect(s.system.data?.delegatedPrefixes).toEqual(["2001:db8:1200::/56"]);
    expect(s.system.data?.memory).toEqual({ totalKb: 245760, freeKb: 120184, availableKb: 150040 });
    expect(s.wireless.data?.interfaces.map((i) => i.mode).sort()).toEqual(["ap", "mesh"]);
    for (const k of ["interfaces", "stations", "meshPaths", "routing", "counters", "system", "wireless"] as const) expect(s[k].errors).toEqual([]);
    expect(JSON.stringify(msgs)).not.toContain("correct horse battery");
  });

  it("keeps collecting through a broker outage, reconnects by itself, and delivers the buffer in order with nothing lost", async () => {
    const srv = await broker();
    const agent = agentWith(publisherFor(srv));
    agent.start();
    await waitFor(async () => snapshotsOf(await readTelemetryStream(srv.url)).length >= 2);
    await srv.stop();
    await waitFor(() => agent.buffered >= 5, { timeoutMs: 10_000, what: "snapshots buffered during the outage" });
    const seqDuringOutage = agent.seq;
    await srv.restart();
    await waitFor(async () => agent.buffered === 0 && agent.seq > seqDuringOutage + 1, { timeoutMs: 15_000, what: "the buffer drained after reconnect" });
    await agent.stop();
    const msgs = await readTelemetryStream(srv.url);
    const seqs = snapshotsOf(msgs).map((s) => valid(s).seq);
    expect(seqs).toEqual(Array.from({ length: agent.seq }, (_, i) => i + 1));
    expect(snapshotsOf(msgs).every((s) => s.dropped === 0)).toBe(true);
    expect(agent.droppedTotal).toBe(0);
    // A hello on the first connect and again after the reconnect.
    expect(hellosOf(msgs).length).toBeGreaterThanOrEqual(2);
    expect(hellosOf(msgs).every((h) => h.boot === agent.bootId)).toBe(true);
  });

  it("drops the oldest snapshots when the buffer overflows and reports how many in the next one", async () => {
    const srv = await broker();
    const agent = agentWith(publisherFor(srv), { bufferSize: 3 });
    agent.start();
    await waitFor(async () => snapshotsOf(await readTelemetryStream(srv.url)).length >= 1);
    await srv.stop();
    await waitFor(() => agent.droppedTotal >= 4, { timeoutMs: 10_000, what: "buffer overflow" });
    await srv.restart();
    await waitFor(() => agent.buffered === 0 && agent.connected, { timeoutMs: 15_000 });
    await agent.stop();
    const snaps = snapshotsOf(await readTelemetryStream(srv.url)).map(valid);
    const seqs = snaps.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const missing = agent.seq - seqs.length;
    expect(missing).toBe(agent.droppedTotal);
    expect(missing).toBeGreaterThanOrEqual(4);
    // Every gap is announced by the first snapshot after it.
    for (let i = 1; i < snaps.length; i++) {
      const gap = snaps[i]!.seq - snaps[i - 1]!.seq - 1;
      expect(snaps[i]!.dropped).toBe(gap);
    }
    expect(snaps.reduce((n, s) => n + s.dropped, 0)).toBe(missing);
  });

  it("reports a failing collector in its own section while the others still publish", async () => {
    const srv = await broker();
    const router = new CannedRouter();
    router.answers.set("birdc show route", "BIRD 2.0.12 ready.\n\u0000\u0001 not a route table \u00ff\n%%%%\n");
    router.answers.delete("nft -j list ruleset");
    router.answers.set("iw dev mesh0 mpath dump", { throw: "timeout" });
    const agent = agentWith(publisherFor(srv), { runner: router, routing: "bird2" });
    agent.start();
    const snaps = await waitFor(async () => {
      const s = snapshotsOf(await readTelemetryStream(srv.url));
      return s.length >= 1 ? s : null;
    });
    const s = valid(snaps[0]);
    expect(s.routing.errors.map((e) => [e.code, e.command])).toEqual([[ERROR_CODES.parseFormat, "birdc show route"]]);
    expect(s.counters.data).toBeNull();
    expect(s.counters.errors.map((e) => [e.code, e.command])).toEqual([[ERROR_CODES.commandNotFound, "nft -j list ruleset"]]);
    expect(s.meshPaths.data).toBeNull();
    expect(s.meshPaths.errors.map((e) => e.code)).toEqual([ERROR_CODES.commandTimeout]);
    expect(s.stations.data?.stations).toHaveLength(6);
    expect(s.stations.errors).toEqual([]);
    expect(s.system.data?.hostname).toBe("r1");
    expect(s.wireless.errors).toEqual([]);
  });

  it("starts again with a new boot id and seq from 1", async () => {
    const srv = await broker();
    const agent = agentWith(publisherFor(srv));
    agent.start();
    await waitFor(async () => snapshotsOf(await readTelemetryStream(srv.url)).length >= 2);
    await agent.stop();
    const firstBoot = agent.bootId;
    agent.start();
    expect(agent.bootId).not.toBe(firstBoot);
    await waitFor(async () => snapshotsOf(await readTelemetryStream(srv.url)).some((s) => s.boot !== firstBoot && s.seq >= 2));
    await agent.stop();
    const msgs = await readTelemetryStream(srv.url);
    const second = snapshotsOf(msgs).filter((s) => s.boot === agent.bootId);
    expect(second.map((s) => s.seq).slice(0, 2)).toEqual([1, 2]);
    expect(hellosOf(msgs).map((h) => h.boot)).toEqual([firstBoot, agent.bootId]);
  });
});
