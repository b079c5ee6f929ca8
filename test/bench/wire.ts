import { parseArgs } from "node:util";
import { brotliCompressSync, constants, deflateSync } from "node:zlib";
import { WIRE_ENCODINGS, WIRE_HEADERS, WIRE_MODES, subjects, type Snapshot, type WireMode } from "@meshfleet/shared";
import { Agent, Outbox, WireEncoder, silentLog, type PublishOptions, type Publisher } from "@meshfleet/agent";
import { World } from "@meshfleet/sim";
import { decodeMessage, WireDecoder, type WireMessage } from "@meshfleet/controller";

/**
 * Bytes per snapshot on the wire: every node of a simulated 11-node mesh (each sees 10
 * mesh paths; about 20 stations with --stations 14, 20 routes, ~11 routing neighbours,
 * 6 nft counters) runs the real Agent for --minutes at 10 s, and each snapshot goes through
 * the agent's Outbox in every wire mode (json = protocol version 1, today; deflate =
 * keyframes only; delta = deltas against acknowledged keyframes) to a recording broker.
 * Bytes are payload + the NATS headers the mode adds (Mf-Enc, Mf-Base). Every encoded
 * message is decoded by the controller's WireDecoder and checked equal to the JSON one.
 * Ceiling (same run): the whole run's JSON of a node compressed as ONE stream (deflate -9
 * and brotli -11 with a 16 MB window), i.e. what a compressor that remembers everything
 * the node ever sent would need.
 *
 *   npm run bench -- wire [--minutes 10] [--stations 14] [--nodes 11] [--keyframe-every 30]
 */
class RecordingBroker implements Publisher {
  readonly connected = true;
  seq = 0;
  readonly stored: (WireMessage & { bytes: number })[] = [];
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<{ seq: number; duplicate: boolean }> {
    this.seq += 1;
    const hdr = Object.entries(opts?.headers ?? {}).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
    const headers = new Map(Object.entries(opts?.headers ?? {}));
    this.stored.push({ subject, data, seq: this.seq, headers: { get: (k: string) => headers.get(k) ?? "" }, bytes: data.length + hdr });
    return Promise.resolve({ seq: this.seq, duplicate: false });
  }
  onConnect(): () => void {
    return () => {};
  }
  subscribe(): () => void {
    return () => {};
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export default async function wireBench(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: { minutes: { type: "string", default: "10" }, stations: { type: "string", default: "14" }, nodes: { type: "string", default: "11" }, "keyframe-every": { type: "string", default: "30" } },
  });
  const cycles = Math.round((Number(f.minutes) * 60_000) / 10_000);
  const world = new World({ seed: 1, nodes: Number(f.nodes), routing: "rip", stationsPerNode: Number(f.stations) });
  const ids = world.nodeIds();
  const agents = ids.map((id) => new Agent({ nodeId: id, runner: world.runnerFor(id), clock: { now: () => world.now }, log: silentLog, intervalMs: 10_000, bufferSize: 10, mode: "simulated", routing: "bird2", agentVersion: "bench", bootId: `bench-${id}` }));
  const brokers = new Map<WireMode, RecordingBroker[]>(WIRE_MODES.map((m) => [m, ids.map(() => new RecordingBroker())]));
  const outboxes = new Map<WireMode, Outbox[]>(WIRE_MODES.map((m) => [m, ids.map(() => new Outbox(10, new WireEncoder(m, { keyframeEvery: Number(f["keyframe-every"]) })))]));
  const encodeUs = new Map<WireMode, number>(WIRE_MODES.map((m) => [m, 0]));
  const json: string[][] = ids.map(() => []);
  const counts = { stations: 0, meshPaths: 0, routes: 0, neighbors: 0, counters: 0 };
  for (let c = 0; c < cycles; c++) {
    world.at(world.startMs + c * 10_000);
    for (let i = 0; i < ids.length; i++) {
      const snap = await agents[i]!.collectOnce();
      counts.stations += snap.stations.data?.stations.length ?? 0;
      counts.meshPaths += snap.meshPaths.data?.paths.length ?? 0;
      counts.routes += snap.routing.data?.routes.length ?? 0;
      counts.neighbors += snap.routing.data?.neighbors.length ?? 0;
      counts.counters += snap.counters.data?.counters.length ?? 0;
      json[i]!.push(JSON.stringify(snap));
      for (const m of WIRE_MODES) {
        const ob = outboxes.get(m)![i]!;
        ob.pushSnapshot(subjects.telemetry(ids[i]!), structuredClone(snap) as Snapshot);
        const t0 = performance.now();
        await ob.drain(brokers.get(m)![i]!, 5000);
        encodeUs.set(m, encodeUs.get(m)! + (performance.now() - t0) * 1000);
      }
    }
  }
  const n = cycles * ids.length;
  const per = (k: keyof typeof counts) => (counts[k] / n).toFixed(1);
  console.log(`wire: ${ids.length} nodes x ${cycles} snapshots (${f.minutes} min at 10 s); per snapshot on average ${per("stations")} stations, ${per("meshPaths")} mesh paths, ${per("routes")} routes, ${per("neighbors")} neighbours, ${per("counters")} counters`);

  // Every encoded message decodes to the JSON the agent would have sent in version 1.
  let mismatches = 0;
  const decodeUs = new Map<WireMode, number>();
  for (const m of WIRE_MODES) {
    let us = 0;
    for (let i = 0; i < ids.length; i++) {
      const stored = brokers.get(m)![i]!.stored;
      const dec = new WireDecoder({ fetch: (seq) => Promise.resolve(stored[seq - 1] ?? null) });
      for (let k = 0; k < stored.length; k++) {
        const t0 = performance.now();
        const d = await dec.decode(stored[k]!);
        us += (performance.now() - t0) * 1000;
        const want = decodeMessage(stored[k]!.subject, new TextEncoder().encode(json[i]![k]!));
        if (!d.ok || !want.ok || JSON.stringify(d.item.msg) !== JSON.stringify(want.item.msg)) mismatches++;
      }
    }
    decodeUs.set(m, us / n);
  }

  const rows: [WireMode, number][] = [];
  for (const m of WIRE_MODES) rows.push([m, brokers.get(m)!.flat().reduce((a, b) => a + b.stored.reduce((x, y) => x + y.bytes, 0), 0) / n]);
  let deflStream = 0;
  let brotliStream = 0;
  for (const texts of json) {
    const all = Buffer.from(texts.join("\n"));
    deflStream += deflateSync(all, { level: 9 }).length;
    brotliStream += brotliCompressSync(all, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: all.length } }).length;
  }
  const ceiling = brotliStream / n;
  console.log(`  ceiling (same run): whole run per node as one stream: brotli-11 ${ceiling.toFixed(0)} B/snapshot, deflate-9 ${(deflStream / n).toFixed(0)} B/snapshot`);
  for (const [m, b] of rows) {
    const kf = m === "delta" ? brokers.get(m)!.flat().reduce((a, x) => a + x.stored.filter((s) => s.headers?.get(WIRE_HEADERS.encoding) === WIRE_ENCODINGS.deflate).length, 0) : null;
    console.log(
      `  ${m.padEnd(8)} ${b.toFixed(0).padStart(6)} B/snapshot  ${(b / ceiling).toFixed(2)}x ceiling  agent encode ${(encodeUs.get(m)! / n).toFixed(0)} us  controller decode ${decodeUs.get(m)!.toFixed(0)} us${kf !== null ? `  (${kf} keyframes of ${n})` : ""}`,
    );
  }
  console.log(`  target: <= 2048 B/snapshot; decoded differently from the JSON: ${mismatches}`);
  if (mismatches > 0) process.exitCode = 1;
}

