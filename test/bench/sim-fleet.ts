import { parseArgs } from "node:util";
import { createTelemetryStream, startNatsServer, type RunningNatsServer } from "@meshfleet/testkit";
import { snapshot as snapshotSchema, subjects } from "@meshfleet/shared";
import { Agent, NatsPublisher, silentLog, type Publisher } from "@meshfleet/agent";
import { World } from "@meshfleet/sim";

/**
 * Can one process carry a simulated fleet of N nodes at a given interval on one core?
 * Every node-cycle: move world time, render every command's text (iw, birdc, nft -j,
 * ubus, /proc, ip -j), parse it with the real parsers, build the snapshot with the real
 * Agent (`collectOnce`) and serialise it to JSON bytes; with --publish also a JetStream
 * publish with ack to a real nats-server over one shared connection (acks awaited in
 * windows of --window). Node cycles are spread over the interval as the fleet does.
 *
 *   npm run bench -- sim-fleet [--nodes 10000] [--interval 10000] [--rounds 2] [--stations 4] [--publish] [--validate]
 */
export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string", default: "10000" },
      interval: { type: "string", default: "10000" },
      rounds: { type: "string", default: "2" },
      stations: { type: "string", default: "4" },
      window: { type: "string", default: "64" },
      publish: { type: "boolean", default: false },
      validate: { type: "boolean", default: false },
    },
  });
  const nodes = Number(values.nodes);
  const intervalMs = Number(values.interval);
  const rounds = Number(values.rounds);
  const window = Number(values.window);
  const rss0 = process.memoryUsage().rss;

  const tBuild = performance.now();
  const world = new World({ seed: 1, nodes, routing: "rip", stationsPerNode: Number(values.stations) });
  const buildMs = performance.now() - tBuild;
  let server: RunningNatsServer | null = null;
  let publisher: Publisher | undefined;
  if (values.publish) {
    server = await startNatsServer();
    await createTelemetryStream(server.url);
    const p = new NatsPublisher({ servers: [server.url], log: silentLog, publishTimeoutMs: 30_000 });
    for (let i = 0; i < 100 && !p.connected; i++) await new Promise((r) => setTimeout(r, 50));
    publisher = p;
  }
  const ids = world.nodeIds();
  const agents = ids.map(
    (id) => new Agent({ nodeId: id, runner: world.runnerFor(id), clock: { now: () => world.now }, log: silentLog, intervalMs, bufferSize: 10, mode: "simulated", routing: "bird2", agentVersion: "bench" }),
  );
  const enc = new TextEncoder();
  let bytes = 0;
  let sectionErrors = 0;
  let invalid = 0;
  let publishFailed = 0;
  const inflight: Promise<void>[] = [];

  const cycle = async (r: number, i: number): Promise<void> => {
    world.at(world.startMs + r * intervalMs + Math.floor((i * intervalMs) / nodes));
    const snap = await agents[i]!.collectOnce();
    for (const k of ["interfaces", "stations", "meshPaths", "routing", "counters", "system", "wireless"] as const) sectionErrors += snap[k].errors.length;
    if (values.validate && !snapshotSchema.safeParse(snap).success) invalid++;
    const data = enc.encode(JSON.stringify(snap));
    bytes += data.length;
    if (publisher) {
      inflight.push(publisher.publish(subjects.telemetry(snap.node), data, { msgId: `${snap.node}:${snap.boot}:${snap.seq}` }).then(() => undefined, () => void publishFailed++));
      if (inflight.length >= window) await Promise.all(inflight.splice(0));
    }
  };

  // Warm-up: the first round also primes the world's per-site caches (as a running fleet has).
  for (let i = 0; i < Math.min(nodes, 500); i++) await cycle(0, i);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let count = 0;
  for (let r = 1; r <= rounds; r++) {
    for (let i = 0; i < nodes; i++) {
      await cycle(r, i);
      count++;
    }
  }
  await Promise.all(inflight.splice(0));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const needed = nodes / (intervalMs / 1000);
  const achieved = count / (cpuMs / 1000);
  const rss = process.memoryUsage().rss;

  // The simulation's own share: one more round answering the same commands, without parsing.
  const commands = [
    "iw dev", "iw dev mesh0 station dump", "iw dev wlan0 station dump", "iw dev mesh0 mpath dump", "birdc show protocols", "birdc show rip neighbors",
    "birdc show rip interfaces", "birdc show route", "nft -j list ruleset", "ubus call system board", "ubus call network.wireless status",
    "ubus call network.interface dump", "cat /proc/uptime", "cat /proc/loadavg", "cat /proc/meminfo", "ip -j addr show", "cat /proc/sys/kernel/hostname",
  ].map((c) => c.split(" "));
  const runners = ids.map((id) => world.runnerFor(id));
  const rcpu0 = process.cpuUsage();
  for (let i = 0; i < nodes; i++) {
    world.at(world.startMs + (rounds + 1) * intervalMs + Math.floor((i * intervalMs) / nodes));
    for (const c of commands) await runners[i]!.run(c);
  }
  const rcpu = process.cpuUsage(rcpu0);
  const renderUs = (rcpu.user + rcpu.system) / nodes;
  const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(34)}${v}\n`);
  line("nodes", `${nodes} (${world.model.sites.length} sites, ${world.model.links.length} links, ${world.model.stations.length} stations)`);
  line("interval", `${intervalMs} ms -> needed ${needed.toFixed(0)} node-cycles/s`);
  line("included", `render + parse + snapshot + JSON${publisher ? " + JetStream publish (shared connection)" : ""}`);
  line("world build", `${buildMs.toFixed(0)} ms`);
  line("node-cycles measured", `${count} (${rounds} rounds)`);
  line("CPU per node-cycle", `${((cpuMs / count) * 1000).toFixed(0)} us`);
  line("  of which rendering (sim only)", `${renderUs.toFixed(0)} us`);
  line("achieved (one core, CPU-bound)", `${achieved.toFixed(0)} node-cycles/s = ${(achieved / needed).toFixed(2)}x needed`);
  line("wall", `${(wallMs / 1000).toFixed(1)} s (${(count / (wallMs / 1000)).toFixed(0)} node-cycles/s)`);
  line("snapshot JSON", `${(bytes / (count + Math.min(nodes, 500)) / 1024).toFixed(1)} KiB avg`);
  line("collector errors", String(sectionErrors));
  if (values.validate) line("schema-invalid snapshots", String(invalid));
  if (publisher) line("publishes failed (no ack in 30 s)", String(publishFailed));
  line("RSS", `${((rss - rss0) / 1048576).toFixed(0)} MiB added, ${(rss / 1048576).toFixed(0)} MiB total`);
  if (publisher) await publisher.close();
  if (server) await server.dispose();
}
