import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { subjects } from "@meshfleet/shared";
import { buildSnapshot, BENCH_PROFILE } from "@meshfleet/controller/testing";

/**
 * The benchmark's load generator (a separate process): publishes bench-profile snapshots
 * at a paced rate, over JetStream (acknowledged) or core NATS, and reports on stdout.
 * Each node's JSON is built once with placeholder seq/ts and patched per message so the
 * generator spends its CPU on publishing, not on JSON.stringify.
 */
export interface PublisherArgs {
  url: string;
  mode: "js" | "core";
  rate: number;
  durationMs: number;
  nodes: number;
  boot: string;
}

const SEQ = 987654321;
const TS = 1999999999999;

function templates(n: number, boot: string): { subject: string; parts: [string, string, string] }[] {
  return Array.from({ length: n }, (_, i) => {
    const node = `bench-${i}`;
    const json = JSON.stringify(buildSnapshot({ node, boot, seq: SEQ, ts: TS, profile: BENCH_PROFILE }));
    const [a, rest] = json.split(`"seq":${SEQ}`) as [string, string];
    const [b, c] = rest.split(`"ts":${TS}`) as [string, string];
    return { subject: subjects.telemetry(node), parts: [`${a}"seq":`, `${b}"ts":`, c] };
  });
}

export async function runPublisher(a: PublisherArgs): Promise<void> {
  const nc = await connect({ servers: a.url.split(","), name: "bench-publisher" });
  const js = jetstream(nc);
  const tpl = templates(a.nodes, a.boot);
  const enc = new TextEncoder();
  let published = 0;
  let acked = 0;
  let errors = 0;
  let inflight = 0;
  const maxInflight = 4000;
  const t0 = Date.now();
  const report = (done: boolean) => process.stdout.write(`${JSON.stringify({ published, acked, errors, elapsedMs: Date.now() - t0, done })}\n`);
  const timer = setInterval(() => report(false), 1000);
  while (Date.now() - t0 < a.durationMs) {
    const due = Math.floor(((Date.now() - t0) / 1000) * a.rate);
    let burst = 0;
    while (published < due && inflight < maxInflight && burst++ < 1000) {
      const i = published % a.nodes;
      const seq = Math.floor(published / a.nodes) + 1;
      const t = tpl[i]!;
      const data = enc.encode(`${t.parts[0]}${seq}${t.parts[1]}${Date.now()}${t.parts[2]}`);
      published++;
      if (a.mode === "core") nc.publish(t.subject, data);
      else {
        inflight++;
        js.publish(t.subject, data, { timeout: 30_000 }).then(
          () => {
            acked++;
            inflight--;
          },
          () => {
            errors++;
            inflight--;
          },
        );
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 20));
  await nc.flush();
  clearInterval(timer);
  report(true);
  await nc.close();
}
