import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { startNatsServer, tempDir, waitFor } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { Controller, FakeClock, buildHello, buildSnapshot, macOf, modules, openStore, silentLogger } from "@meshfleet/controller";

/**
 * Bytes a whole controller writes for a home mesh: this process runs the real Controller
 * (ingest from JetStream, every module: jobs, detection, dashboard, admin, diag) on a
 * SQLite file; --nodes routers publish a snapshot every 10 s of simulated time, one at a
 * time (each is stored before the next is published, so every snapshot is its own commit
 * as at this rate in the field), each with its own 20 client stations (the same MACs on
 * every router would look like 20 roams per snapshot to detection); maintenance runs every 30 s of simulated time. Reports
 * write_bytes from /proc/<pid>/io of this process (the controller's SQLite writes) and of
 * the nats-server (its JetStream file store) over the run, scaled to 24 h.
 *
 *   npm run bench -- controller-disk [--nodes 7] [--minutes 20]
 */
const writeBytesOf = (pid: number | "self") => Number(/write_bytes:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0);

export default async function controllerDisk(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { nodes: { type: "string", default: "7" }, minutes: { type: "string", default: "20" } } });
  const nodes = Number(f.nodes);
  const cycles = (Number(f.minutes) * 60_000) / 10_000;
  const T0 = Date.UTC(2026, 0, 1);
  const clock = new FakeClock(T0);
  const dir = tempDir("mf-bench-controller-disk-");
  const srv = await startNatsServer();
  const nc = await connect({ servers: srv.url });
  const store = openStore({ file: `${dir.path}/c.sqlite`, clock });
  const controller = new Controller({ nc, store, clock, log: silentLogger, modules: modules(), maintenanceIntervalMs: 24 * 3600_000 });
  try {
    await controller.start();
    const js = jetstream(nc);
    const names = Array.from({ length: nodes }, (_, n) => `router-${n}`);
    for (const node of names) await js.publish(subjects.hello(node), JSON.stringify(buildHello({ node, ts: T0 })));
    const s0 = writeBytesOf("self");
    const n0 = srv.pid ? writeBytesOf(srv.pid) : 0;
    let nextPass = T0 + 30_000;
    for (let c = 0; c < cycles; c++) {
      for (const [n, node] of names.entries()) {
        const ts = T0 + c * 10_000 + Math.floor((n * 10_000) / nodes);
        clock.set(ts);
        if (ts >= nextPass) {
          await store.maintenance.run(ts);
          nextPass += 30_000;
        }
        await js.publish(subjects.telemetry(node), JSON.stringify(buildSnapshot({ node, seq: c + 1, ts, signal: (i) => -50 - i - ((c * 7 + i) % 5), stationMac: (i) => macOf(n, i + 1) })));
        await waitFor(() => store.telemetry.stateOf(node)?.seq === c + 1, { what: `${node} seq ${c + 1} stored`, intervalMs: 2 });
      }
    }
    store.checkpoint();
    const wrote = writeBytesOf("self") - s0;
    const natsWrote = srv.pid ? writeBytesOf(srv.pid) - n0 : NaN;
    const perDay = (b: number) => ((b / (cycles * 10_000)) * 86_400_000) / 1e6;
    const snaps = cycles * nodes;
    console.log(`controller-disk: ${nodes} routers x ${cycles} snapshots (${f.minutes} simulated min at 10 s), each snapshot its own commit; rows ${JSON.stringify(store.rowCounts())}`);
    console.log(`  controller process (SQLite, WAL + checkpoint): ${(wrote / snaps).toFixed(0)} B/snapshot = ${perDay(wrote).toFixed(0)} MB/day (write_bytes x 24 h / ${f.minutes} min)`);
    console.log(`  nats-server (JetStream file store):            ${(natsWrote / snaps).toFixed(0)} B/snapshot = ${perDay(natsWrote).toFixed(0)} MB/day`);
    console.log(`  target: < 50 MB/day`);
  } finally {
    await controller.stop();
    await nc.close();
    store.close();
    await srv.dispose();
    dir.cleanup();
  }
}
