import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { freePort, startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { subjects, TELEMETRY_STREAM } from "@meshfleet/shared";
import { openStore, systemClock } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";
import { killHard, metricValue, spawnController, stopGracefully, type ControllerProcess } from "../controller-helpers";

/**
 * The controller's SQLite file lives on a real 32 MiB tmpfs. The test fills the file
 * system while telemetry keeps arriving: the controller must stop acknowledging (the
 * messages stay in the stream), report unhealthy, keep running, and once space is back
 * store every message exactly once without a restart.
 *
 * One route of node-0 moves to another next hop in the first snapshot published on the full
 * disk: its batches fail, or their COMMIT does after detection saw them (rolled back, handed
 * back, handled again), and detection must still report the move exactly once.
 *
 * A read-only remount is not part of it: the kernel refuses `mount -o remount,ro` while
 * the controller holds the database open for writing (EBUSY).
 */

const NODES = 5;
const ACCEPTED = 'meshfleet_ingest_messages_total{kind="snapshot",result="accepted"}';
const STORE_ERRORS = "meshfleet_ingest_store_errors_total";

/** Mounting needs root (CAP_SYS_ADMIN); probed once with a throwaway mount. */
function tmpfsMountable(): string | null {
  const probe = tempDir("mf-tmpfs-probe-");
  try {
    const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.path], { encoding: "utf8" });
    if (m.status !== 0) return `cannot mount a tmpfs: ${(m.stderr || m.error?.message || "").trim()}`;
    spawnSync("umount", [probe.path]);
    return null;
  } finally {
    probe.cleanup();
  }
}
const noMount = tmpfsMountable();

/** Writes zeros to `file` until the file system says ENOSPC; returns the bytes written. */
function fillUp(file: string): number {
  const fd = openSync(file, "w");
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

describe.skipIf(noMount !== null)(`controller on a full disk${noMount ? ` (skipped: ${noMount})` : ""}`, () => {
  let srv: RunningNatsServer | null = null;
  let nc: NatsConnection | null = null;
  let proc: ControllerProcess | null = null;
  const dir = tempDir("mf-disk-full-");
  const mnt = join(dir.path, "data");
  let mounted = false;
  afterAll(async () => {
    if (proc) await killHard(proc);
    await nc?.close();
    await srv?.dispose();
    if (mounted && spawnSync("umount", [mnt]).status !== 0) spawnSync("umount", ["-l", mnt]);
    dir.cleanup();
  }, 30_000);

  it("stops acknowledging, reports unhealthy and keeps running while the disk is full; stores everything exactly once when space returns, and a route move made meanwhile is reported once", async () => {
    mkdirSync(mnt);
    const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", mnt], { encoding: "utf8" });
    expect(m.status, m.stderr).toBe(0);
    mounted = true;
    srv = await startNatsServer();
    const db = join(mnt, "controller.sqlite");
    proc = await spawnController(db, srv.url, await freePort());
    const p = proc;
    const health = async () => {
      const r = await fetch(`${p.url}/healthz`);
      return { status: r.status, body: (await r.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> } };
    };
    const metric = async (line: string) => metricValue(await (await p.get("/metrics")).text(), line);

    nc = await connect({ servers: srv.url });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const published: string[] = [];
    let seq = 0;
    /** From this seq on, node-0's route to fd00:0::/64 goes through fe80::2 instead of fe80::1. */
    let movedFrom = Infinity;
    const snapshot = (node: string, at: number) => {
      const s = buildSnapshot({ node, seq: at, ts: 1_800_000_000_000 + at * 10_000 });
      if (node === "node-0" && at >= movedFrom) s.routing.data!.routes[0]!.nextHops = [{ via: "fe80::2", iface: "mesh0", weight: 1 }];
      return s;
    };
    const publishRound = async () => {
      seq += 1;
      await Promise.all(
        Array.from({ length: NODES }, async (_, i) => {
          const node = `node-${i}`;
          await js.publish(subjects.telemetry(node), JSON.stringify(snapshot(node, seq)));
          published.push(`${node}/${seq}`);
        }),
      );
    };

    for (let r = 0; r < 20; r++) await publishRound();
    await waitFor(async () => (await metric(ACCEPTED)) === published.length, { timeoutMs: 15_000, what: "the first 100 snapshots stored" });
    // A live job: the job service writes its state on every tick, full disk or not.
    const created = await p.request("POST", "/api/jobs", { template: "routing-firewall", target: "node-0", params: { protocol: "babel" }, rollout: { canary: 0, batchSize: 1, resendEveryMs: 1000 } });
    expect(created.status).toBe(201);
    const jobId = ((await created.json()) as { id: string }).id;
    expect((await health()).status).toBe(200);

    const filled = fillUp(join(mnt, "filler"));
    expect(filled).toBeGreaterThan(16 << 20);
    movedFrom = seq + 1;
    let publishing = true;
    const during = (async () => {
      while (publishing) {
        await publishRound();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // Every write fails now: the health probe and the ingest's batches.
    const sick = await waitFor(
      async () => {
        const h = await health();
        return h.status === 503 && h.body.checks.store?.ok === false && h.body.checks.ingest?.ok === false ? h : null;
      },
      { timeoutMs: 30_000, what: "/healthz 503 with the store and ingest checks failing", intervalMs: 200 },
    );
    expect(sick.body).toEqual({
      status: "unhealthy",
      checks: { store: { ok: false, detail: "database or disk is full" }, ingest: { ok: false, detail: "database or disk is full" }, nats: { ok: true } },
    });
    const jobNodes = async () => ((await (await p.get(`/api/jobs/${jobId}`)).json()) as { status: string; nodes: { node: string; state: string; attempts: number }[] });
    const attemptsWhenSick = (await jobNodes()).nodes[0]!.attempts;
    const acceptedWhenSick = await metric(ACCEPTED);
    const errorsWhenSick = await metric(STORE_ERRORS);
    const publishedWhenSick = published.length;
    // The job service's timer hits the full disk too: logged, the process lives on.
    await waitFor(() => p.output().includes('"error":"database or disk is full","msg":"job service could not step a job; next tick retries"'), { timeoutMs: 5000, what: "the job tick failure logged" });
    // Messages published after the disk filled reached the ingest and its batches failed
    // (the events); only then does "nothing more accepted" say something.
    await waitFor(async () => published.length > publishedWhenSick && (await metric(STORE_ERRORS)) >= errorsWhenSick + 2, { timeoutMs: 20_000, what: "failed batches of messages published on the full disk", intervalMs: 200 });
    publishing = false;
    await during;
    // Nothing more accepted, batches failing and redelivered, the messages waiting unacknowledged in the stream.
    expect(published.length).toBeGreaterThan(publishedWhenSick);
    expect(await metric(ACCEPTED)).toBe(acceptedWhenSick);
    expect(await metric(STORE_ERRORS)).toBeGreaterThan(errorsWhenSick);
    const stream = await jsm.streams.info(TELEMETRY_STREAM);
    const consumer = await jsm.consumers.info(TELEMETRY_STREAM, "meshfleet-controller");
    // a work queue: what was stored before the disk filled has left the stream, the rest waits
    expect(stream.state.messages).toBe(published.length - acceptedWhenSick);
    expect(consumer.ack_floor.stream_seq).toBeLessThanOrEqual(acceptedWhenSick);
    expect(consumer.num_ack_pending + consumer.num_pending).toBe(published.length - acceptedWhenSick);
    expect(p.child.exitCode).toBeNull();
    expect((await health()).status).toBe(503);

    rmSync(join(mnt, "filler"));
    await waitFor(async () => (await health()).status === 200, { timeoutMs: 15_000, what: "/healthz back to 200", intervalMs: 200 });
    await waitFor(async () => (await metric(ACCEPTED)) === published.length, { timeoutMs: 20_000, what: "every snapshot stored after the space came back", intervalMs: 200 });
    for (let r = 0; r < 5; r++) await publishRound();
    await waitFor(async () => (await metric(ACCEPTED)) === published.length, { timeoutMs: 10_000, what: "new snapshots stored" });
    await waitFor(async () => (await jsm.consumers.info(TELEMETRY_STREAM, "meshfleet-controller")).num_ack_pending === 0, { timeoutMs: 10_000, what: "everything acknowledged" });
    // The job carried on: still waiting for its node, re-sent again once the store could write.
    const job = await waitFor(async () => {
      const j = await jobNodes();
      return j.nodes[0]!.attempts > attemptsWhenSick ? j : null;
    }, { timeoutMs: 5000, what: "the job re-sent after the outage" });
    expect(job.status).toBe("running");
    expect(job.nodes.map((n) => [n.node, n.state])).toEqual([["node-0", "sent"]]);
    // The route moved once, and detection says so once.
    const events = ((await (await p.get("/api/events?limit=5000")).json()) as { events: { code: string; subject: string; before: { nextHop?: string } | null; after: { nextHop?: string } | null }[] }).events;
    expect(events.filter((e) => e.code.startsWith("route_")).map((e) => `${e.code} ${e.subject} ${e.before?.nextHop} -> ${e.after?.nextHop}`)).toEqual(["route_nexthop_changed route:node-0:fd00:0::/64 fe80::1%mesh0 -> fe80::2%mesh0"]);
    expect(((await (await p.get("/api/alerts?code=route_flapping")).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    expect(await stopGracefully(p)).toBe(0);
    proc = null;

    const store = openStore({ file: db, clock: systemClock });
    try {
      const stored: string[] = [];
      for (let i = 0; i < NODES; i++) for (const r of await store.telemetry.range(`node-${i}`, 0, Number.MAX_SAFE_INTEGER)) stored.push(`${r.nodeId}/${r.seq}`);
      expect(stored.length).toBe(published.length);
      expect(new Set(stored).size).toBe(stored.length);
      expect(published.filter((k) => !stored.includes(k))).toEqual([]);
      expect((await store.rowCounts()).raw_snapshots).toBe(published.length);
    } finally {
      store.close();
    }
  }, 60_000);
});
