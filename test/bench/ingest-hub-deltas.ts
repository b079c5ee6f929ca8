import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { subjects } from "@meshfleet/shared";
import { WireEncoder } from "@meshfleet/agent";
import { openStore, systemClock, WireDecoder, type KeyframeStore, type WireMessage } from "@meshfleet/controller";
import { buildSnapshot, BENCH_PROFILE } from "@meshfleet/controller/testing";

/**
 * What a hub (a controller whose telemetry stream sources the site leaf nodes' streams)
 * pays to decode deltas: agents in delta mode send bench-profile snapshots (a keyframe
 * every 30, deltas in between); the hub's copy of each message has another stream
 * sequence than the site's one that a delta's `Mf-Base` names. Decoded in batches of 100
 * whose marked keyframes are written in the batch's transaction, as the ingest does.
 * Prints the decoder's CPU per message and how often it asked the store for a keyframe.
 *
 *   npm run bench -- ingest-hub-deltas [--nodes 200] [--rounds 20]
 */
const enc = new TextEncoder();

export default async function ingestHubDeltas(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { nodes: { type: "string", default: "200" }, rounds: { type: "string", default: "20" } } });
  const nodes = Number(f.nodes);
  const rounds = Number(f.rounds);
  const encoders = Array.from({ length: nodes }, () => new WireEncoder("delta"));
  const msgs: WireMessage[] = [];
  let siteSeq = 0;
  for (let r = 0; r < rounds; r++) {
    for (let n = 0; n < nodes; n++) {
      const s = buildSnapshot({ node: `bench-${n}`, boot: "hub-bench", seq: r + 1, ts: 1_700_000_000_000 + r * 10_000, profile: BENCH_PROFILE, signal: (i) => -50 - i - ((r * 7 + i + n) % 5) });
      const e = encoders[n]!.encode(s, enc.encode(JSON.stringify(s)));
      const h: Record<string, string> = e.headers ?? {};
      const seq = ++siteSeq;
      encoders[n]!.acknowledged(e, { seq } as Parameters<WireEncoder["acknowledged"]>[1]);
      msgs.push({ subject: subjects.telemetry(s.node), data: e.data, seq: seq + 1_000_000, headers: { get: (k: string) => h[k] ?? "" } });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-hub-"));
  const store = openStore({ file: join(dir, "hub.sqlite"), clock: systemClock });
  try {
    const asked = { byStreamSeq: 0, bySnapshot: 0 };
    const ks = store.keyframes;
    const counting: KeyframeStore = {
      put: (k) => ks.put(k),
      byStreamSeq: (s, subject) => (asked.byStreamSeq++, ks.byStreamSeq(s, subject)),
      bySnapshot: (node, boot, seq) => (asked.bySnapshot++, ks.bySnapshot(node, boot, seq)),
    };
    const dec = new WireDecoder({ fetch: () => Promise.resolve(null), store: counting });
    let ok = 0;
    const c0 = process.cpuUsage();
    for (let i = 0; i < msgs.length; i += 100) {
      for (const m of msgs.slice(i, i + 100)) if ((await dec.decode(m)).ok) ok++;
      await store.transaction(() => dec.storeKeyframes());
    }
    const cpu = process.cpuUsage(c0);
    console.log(`ingest-hub-deltas: ${msgs.length} messages (${nodes} nodes x ${rounds}, delta mode), node ${process.version}`);
    console.log(`  decoded ${ok}; CPU per message ${((cpu.user + cpu.system) / msgs.length).toFixed(0)} µs (decode and the keyframes' writes)`);
    console.log(`  keyframes asked of the store: by stream sequence ${asked.byStreamSeq}, by node/boot/seq ${asked.bySnapshot}; read back from the stream ${dec.fetched}`);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
