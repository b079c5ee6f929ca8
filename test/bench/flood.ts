import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createUser, type KeyPair } from "@nats-io/nkeys";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { subjects } from "@meshfleet/shared";
import { buildSnapshot, Controller, openStore, silentLogger, systemClock, type IngestItem } from "@meshfleet/controller";
import { natsAccounts, nodeInboxPrefix } from "@meshfleet/controller/enroll";
import { startNatsServer } from "@meshfleet/testkit";

/**
 * Flood benchmark: one node floods valid snapshots as fast as it can (core NATS, from its
 * own process, with its own key) while 20 others stream acknowledged snapshots, all through
 * the configuration `nats-config` generates and the controller with `serve`'s per-node rate
 * limit (5/s, burst 600). The same run first measures the 20 without the flood (baseline).
 *
 *   npm run bench -- flood [--duration 30] [--others 20] [--interval 1000]
 *
 * Latency: the snapshot's own timestamp (its publish time) to the moment GET /api/nodes
 * shows it (polled every 50 ms). --interval is each other node's period (the agents'
 * default is 10 s; 1 s gives 20x more samples and stays within the node rate).
 */
const FLOODER = "flooder";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

interface FloodReport {
  published: number;
  elapsedMs: number;
}

/** The flooder (its own process): valid snapshots, core publish, flushed every 200, for durationMs. */
async function flood(url: string, durationMs: number): Promise<void> {
  const seed = new TextEncoder().encode(process.env.MF_FLOOD_SEED ?? "");
  const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(seed), inboxPrefix: nodeInboxPrefix(FLOODER) });
  // built once, patched per message: the flooder spends its CPU on publishing
  const json = JSON.stringify(buildSnapshot({ node: FLOODER, seq: 987654321, ts: 1999999999999 }));
  const at = (s: string, from = 0) => json.indexOf(s, from);
  const [i, j] = [at('"seq":987654321'), at('"ts":1999999999999')];
  if (i < 0 || j < i) throw new Error("snapshot template: seq then ts expected");
  const a = `${json.slice(0, i)}"seq":`;
  const b = `${json.slice(i + '"seq":987654321'.length, j)}"ts":`;
  const c = json.slice(j + '"ts":1999999999999'.length);
  const t0 = Date.now();
  let seq = 0;
  while (Date.now() - t0 < durationMs) {
    const now = Date.now();
    for (let i = 0; i < 200; i++) nc.publish(subjects.telemetry(FLOODER), `${a}${++seq}${b}${now}${c}`);
    await nc.flush();
  }
  const r: FloodReport = { published: seq, elapsedMs: Date.now() - t0 };
  process.stdout.write(`${JSON.stringify(r)}\n`);
  await nc.close();
}

function startFlooder(url: string, durationMs: number, seed: Uint8Array): Promise<FloodReport> {
  const args = ["--import", "tsx", join(import.meta.dirname, "run.ts"), "flood", "--role", "flooder", "--url", url, "--duration", String(durationMs / 1000)];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, MF_FLOOD_SEED: new TextDecoder().decode(seed) } });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as FloodReport) : reject(new Error(`flooder exited with ${code}`)))));
}

interface Phase {
  latencies: number[];
  acked: number;
}

export default async function floodBench(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: { role: { type: "string" }, url: { type: "string" }, duration: { type: "string", default: "30" }, others: { type: "string", default: "20" }, interval: { type: "string", default: "1000" } },
  });
  const durationMs = Number(f.duration) * 1000;
  if (f.role === "flooder") return flood(f.url!, durationMs);
  const others = Array.from({ length: Number(f.others) }, (_, i) => `n${String(i + 1).padStart(2, "0")}`);
  const intervalMs = Number(f.interval);
  const keys = new Map<string, KeyPair>([FLOODER, ...others].map((n) => [n, createUser()]));
  const ctlKey = createUser();
  const dir = mkdtempSync(join(tmpdir(), "mf-flood-"));
  const srv = await startNatsServer({ config: natsAccounts([...keys].map(([node, kp]) => ({ node, publicKey: kp.getPublicKey() })), ctlKey.getPublicKey()) });
  const ctlNc = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(ctlKey.getSeed()) });
  const store = openStore({ file: join(dir, "flood.sqlite"), clock: systemClock });
  // serve's defaults: --node-rate 5 --node-burst 600
  const controller = new Controller({ nc: ctlNc, store, clock: systemClock, log: silentLogger, listen: { host: "127.0.0.1", port: 0 }, ingest: { nodeRate: { perSecond: 5, burst: 600 } } });
  const conns: NatsConnection[] = [];
  try {
    await controller.start();
    const stored = new Map<string, Set<number>>();
    controller.ingest.onCommitted((items: readonly IngestItem[]) => {
      for (const it of items) if (it.kind === "snapshot") (stored.get(it.msg.node) ?? stored.set(it.msg.node, new Set()).get(it.msg.node)!).add(it.msg.seq);
    });
    const base = `http://127.0.0.1:${controller.address!.port}`;
    const js = new Map<string, ReturnType<typeof jetstream>>();
    for (const n of others) {
      const nc = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(keys.get(n)!.getSeed()), inboxPrefix: nodeInboxPrefix(n) });
      conns.push(nc);
      js.set(n, jetstream(nc, { timeout: 10_000 }));
    }
    const acked = new Map<string, number[]>();
    let seq = 0;

    /** The others stream for durationMs (staggered over the interval); latencies from publish to the API. */
    const phase = async (): Promise<Phase> => {
      const sent = new Map<string, Map<number, number>>(); // node -> ts -> seq
      const latencies: number[] = [];
      const seen = new Map<string, number>();
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const r = await fetch(`${base}/api/nodes`).catch(() => null);
          if (r?.status === 200) {
            const now = Date.now();
            for (const n of ((await r.json()) as { nodes: { id: string; lastSnapshotTs: number | null }[] }).nodes) {
              if (n.lastSnapshotTs === null || n.id === FLOODER || n.lastSnapshotTs === seen.get(n.id)) continue;
              seen.set(n.id, n.lastSnapshotTs);
              if (sent.get(n.id)?.has(n.lastSnapshotTs)) latencies.push(now - n.lastSnapshotTs);
            }
          }
          await sleep(50);
        }
      })();
      const t0 = Date.now();
      let count = 0;
      await Promise.all(
        others.map(async (n, i) => {
          await sleep((i * intervalMs) / others.length);
          while (Date.now() - t0 < durationMs) {
            const s = ++seq;
            const ts = Date.now();
            (sent.get(n) ?? sent.set(n, new Map()).get(n)!).set(ts, s);
            const ack = await js.get(n)!.publish(subjects.telemetry(n), JSON.stringify(buildSnapshot({ node: n, seq: s, ts })), { msgID: `${n}:${s}` });
            if (!ack.duplicate) (acked.get(n) ?? acked.set(n, []).get(n)!).push(s);
            count++;
            await sleep(Math.max(0, intervalMs - (Date.now() - ts)));
          }
        }),
      );
      await sleep(2000); // the last ones reach the API
      polling = false;
      await poller;
      return { latencies, acked: count };
    };

    console.log(`flood benchmark: ${others.length} nodes every ${intervalMs} ms, one flooder, ${durationMs / 1000} s per phase, generated broker config (nats-server ${srv.url}), ingest rate limit 5/s burst 600, node ${process.version}`);
    const baseline = await phase();
    const floodRun = startFlooder(srv.url, durationMs + 2000, keys.get(FLOODER)!.getSeed());
    await sleep(1000); // the flood is on before the others measure
    const during = await phase();
    const fr = await floodRun;
    const line = (name: string, p: Phase) => `${name.padEnd(9)} ${String(p.acked).padStart(6)} acked, ${String(p.latencies.length).padStart(5)} observed: p50 ${pct(p.latencies, 50)} ms, p99 ${pct(p.latencies, 99)} ms, max ${Math.max(...p.latencies)} ms`;
    console.log(`publish -> GET /api/nodes latency of the ${others.length} others:`);
    console.log(line("baseline", baseline));
    console.log(line("flood", during));
    console.log(`ratio flood/baseline: p50 x${(pct(during.latencies, 50) / pct(baseline.latencies, 50)).toFixed(2)}, p99 x${(pct(during.latencies, 99) / pct(baseline.latencies, 99)).toFixed(2)}; target p99 < 2000 ms: ${pct(during.latencies, 99) < 2000 ? "met" : "NOT met"}`);
    // every acknowledged snapshot of the others stored
    const deadline = Date.now() + 60_000;
    const missing = () => others.reduce((m, n) => m + (acked.get(n) ?? []).filter((s) => !stored.get(n)?.has(s)).length, 0);
    const drained = async () => {
      const lag = await controller.ingest.lag();
      return lag.pending === 0 && lag.ackPending === 0;
    };
    while ((missing() > 0 || !(await drained())) && Date.now() < deadline) await sleep(200);
    const ackedTotal = others.reduce((m, n) => m + (acked.get(n)?.length ?? 0), 0);
    console.log(`others: ${ackedTotal} acknowledged, ${ackedTotal - missing()} stored, ${missing()} missing`);
    const st = controller.ingest.stats;
    const flooderStored = stored.get(FLOODER)?.size ?? 0;
    const rateLimited = st.rejected.rate_limited ?? 0;
    console.log(
      `flooder: ${fr.published} published in ${(fr.elapsedMs / 1000).toFixed(1)} s (${Math.round(fr.published / (fr.elapsedMs / 1000))}/s), ${flooderStored} stored, ${rateLimited} dropped at ingest (rate_limited), ${fr.published - flooderStored - rateLimited} refused by the stream (its subject's 1000-message cap) or not yet read`,
    );
    console.log(`rejected at ingest: ${JSON.stringify(st.rejected)}`);
  } finally {
    for (const nc of conns) await nc.close().catch(() => undefined);
    await controller.stop();
    await ctlNc.close();
    store.close();
    await srv.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
