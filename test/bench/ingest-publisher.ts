import { connect, headers as natsHeaders } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { subjects, WIRE_ENCODINGS, WIRE_HEADERS, type Snapshot } from "@meshfleet/shared";
import { buildSnapshot, BENCH_PROFILE } from "@meshfleet/controller/testing";
import { WireEncoder, type EncodedSnapshot } from "@meshfleet/agent";

/**
 * The benchmark's load generator (a separate process): publishes bench-profile snapshots
 * at a paced rate, over JetStream (acknowledged) or core NATS, and reports on stdout.
 * Both wires carry the same snapshots (a round a node: signals wander, counters grow),
 * prepared before the clock starts so that the generator spends its CPU on publishing:
 * - `json`: plain JSON; each round's text is built once, the node's name put in per message.
 * - `delta`: what an agent sends by default (its WireEncoder in delta mode): per node a
 *   deflated keyframe, then deflated deltas against it, a keyframe every 30. A delta's
 *   `Mf-Base` is set when it is published, to the stream sequence its keyframe got (a delta
 *   waits for that ack, as an agent's outbox does).
 * On JetStream every round is new (seq increases); on core NATS (the ceiling) the rounds
 * repeat after one keyframe period: same messages, same mix of keyframes and deltas.
 */
export type Wire = "json" | "delta";
export const WIRES: readonly Wire[] = ["json", "delta"];
/** When nodes send their keyframes (delta wire): spread over the keyframe period, or all in the same rounds. */
export type Keyframes = "staggered" | "together";
export const KEYFRAME_TIMINGS: readonly Keyframes[] = ["staggered", "together"];

export interface PublisherArgs {
  url: string;
  mode: "js" | "core";
  wire: Wire;
  rate: number;
  durationMs: number;
  nodes: number;
  boot: string;
  /** Delta wire: when nodes send their keyframes (default staggered). */
  keyframes?: Keyframes;
  /** Nodes (by index) whose publish times are reported, for the visibility latency. */
  probes?: number[];
}

/** What the publisher prints, a line a second: counts so far, and when it published each probe message since the last line. */
export interface PubReport {
  published: number;
  acked: number;
  errors: number;
  elapsedMs: number;
  done: boolean;
  /** [node index, seq, Date.now() at publish]. */
  sent: [number, number, number][];
}

interface Outgoing {
  data: Uint8Array;
  headers?: Record<string, string>;
}
/** Message `round` (seq round + 1) of node `i`. */
type Messages = (i: number, round: number) => Outgoing;

const nodeName = (i: number) => `bench-${i}`;
const enc = new TextEncoder();
/** The agent's default: a keyframe every 30 snapshots. */
const KEYFRAME_EVERY = 30;

/** Snapshot `round` of a node: signals wander and counters grow, the same on every node (seq round + 1, `ts` the round's place in the schedule). */
type SnapshotOf = (node: string, round: number) => Snapshot;

function fleet(boot: string, roundMs: number): SnapshotOf {
  const t0 = Date.now();
  return (node, r) => buildSnapshot({ node, boot, seq: r + 1, ts: t0 + Math.round(r * roundMs), profile: BENCH_PROFILE, signal: (k) => -50 - k - ((r * 7 + k) % 5) });
}

/** Plain JSON: each round's JSON is built once and the node's name put in per message. */
function jsonMessages(snapshot: SnapshotOf, nodes: number, rounds: number): Messages {
  const MARK = "@@node@@";
  const byRound = Array.from({ length: rounds }, (_, r) => JSON.stringify(snapshot(MARK, r)).split(MARK));
  if (byRound[0]!.join(nodeName(1)) !== JSON.stringify(snapshot(nodeName(1), 0))) throw new Error("a round's JSON template does not give node 1's snapshot");
  return (i, round) => ({ data: enc.encode(byRound[round % rounds]!.join(nodeName(i))) });
}

/**
 * What agents send by default, through the agent's encoder. A round's delta is the same bytes
 * for every node of a keyframe phase (snapshots differ in the node's name only, which deltas
 * do not carry): one encoder per phase computes the deltas, each node's own encoder its
 * keyframes, and node 1's encoder, run over every round, must agree byte for byte.
 *
 * `staggered` (a fleet in steady state: agents booted at different times): node i's keyframes
 * come at rounds 0 and those where (round + i) % 30 == 0, so each round carries 1/30 of the
 * nodes' keyframes. `together` (every agent just reconnected): all keyframes in the same rounds.
 */
function deltaMessages(snapshot: SnapshotOf, nodes: number, rounds: number, keyframes: Keyframes): Messages {
  const phases = keyframes === "staggered" ? Math.min(KEYFRAME_EVERY, nodes) : 1;
  const phaseOf = (i: number) => i % phases;
  const encode = (w: WireEncoder, i: number, r: number) => {
    // A phase's keyframe round: the encoder forgets its keyframe, as after a reconnect.
    if (r > 0 && (r + phaseOf(i)) % KEYFRAME_EVERY === 0 && phases > 1) w.reset();
    const s = snapshot(nodeName(i), r);
    const e = w.encode(s, enc.encode(JSON.stringify(s)));
    // Acknowledged at once (its stream sequence is only known when published: see Mf-Base below).
    w.acknowledged(e, { seq: 1, duplicate: false });
    return e;
  };
  const models = Array.from({ length: phases }, () => new WireEncoder("delta", { keyframeEvery: KEYFRAME_EVERY }));
  const check = new WireEncoder("delta", { keyframeEvery: KEYFRAME_EVERY });
  const own = Array.from({ length: nodes }, () => new WireEncoder("delta", { keyframeEvery: KEYFRAME_EVERY }));
  /** By round, by phase: the phase's shared delta, or its nodes' own keyframes (by node index). */
  const byRound: (EncodedSnapshot | Map<number, EncodedSnapshot>)[][] = [];
  for (let r = 0; r < rounds; r++) {
    byRound.push(
      models.map((model, p) => {
        const m = encode(model, p, r);
        if (!m.keyframe) {
          // Each node's own encoder moves on with its phase's model (its delta is the model's).
          return m;
        }
        const mine = new Map<number, EncodedSnapshot>();
        for (let i = p; i < nodes; i += phases) {
          own[i]!.reset();
          mine.set(i, encode(own[i]!, i, r));
        }
        return mine;
      }),
    );
    const c = encode(check, 1, r);
    const e = byRound[r]![phaseOf(1)]!;
    if (Buffer.compare(c.data, (e instanceof Map ? e.get(1)! : e).data) !== 0) throw new Error(`round ${r}: node 1's own encoder disagrees with its phase's delta`);
  }
  return (i, round) => {
    const e = byRound[round % rounds]![phaseOf(i)]!;
    return e instanceof Map ? e.get(i)! : e;
  };
}

export async function runPublisher(a: PublisherArgs): Promise<void> {
  const nc = await connect({ servers: a.url.split(","), name: "bench-publisher" });
  const js = jetstream(nc);
  // On JetStream every message is new (seq increases): all rounds. On core NATS one keyframe
  // period, repeated: the second one (in the first, every node starts with a keyframe).
  const rounds = a.mode === "js" ? Math.ceil(((a.durationMs / 1000) * a.rate) / a.nodes) + 1 : 2 * KEYFRAME_EVERY;
  const roundOf = (published: number) => {
    const r = Math.floor(published / a.nodes);
    return a.mode === "js" ? r : KEYFRAME_EVERY + (r % KEYFRAME_EVERY);
  };
  const snapshot = fleet(a.boot, (a.nodes / a.rate) * 1000);
  const messages = a.wire === "json" ? jsonMessages(snapshot, a.nodes, rounds) : deltaMessages(snapshot, Math.max(2, a.nodes), rounds, a.keyframes ?? "staggered");
  const names = Array.from({ length: a.nodes }, (_, i) => subjects.telemetry(nodeName(i)));
  /** Per node, the stream sequence of its last keyframe (once acknowledged). */
  const keyframeSeq: Promise<number>[] = Array.from({ length: a.nodes }, () => Promise.resolve(0));
  const probes = new Set(a.probes ?? []);
  let sent: [number, number, number][] = [];
  let published = 0;
  let acked = 0;
  let errors = 0;
  let inflight = 0;
  const maxInflight = 4000;
  const t0 = Date.now();
  const report = (done: boolean) => {
    process.stdout.write(`${JSON.stringify({ published, acked, errors, elapsedMs: Date.now() - t0, done, sent } satisfies PubReport)}\n`);
    sent = [];
  };
  report(false); // started
  const timer = setInterval(() => report(false), 1000);
  const toHeaders = (h: Record<string, string> | undefined) => {
    if (!h) return undefined;
    const nh = natsHeaders();
    for (const [k, v] of Object.entries(h)) nh.set(k, v);
    return nh;
  };
  while (Date.now() - t0 < a.durationMs) {
    const due = Math.floor(((Date.now() - t0) / 1000) * a.rate);
    let burst = 0;
    while (published < due && inflight < maxInflight && burst++ < 1000) {
      const i = published % a.nodes;
      const round = roundOf(published);
      const m = messages(i, round);
      if (probes.has(i)) sent.push([i, round + 1, Date.now()]);
      published++;
      if (a.mode === "core") {
        nc.publish(names[i]!, m.data, { headers: toHeaders(m.headers) });
        continue;
      }
      inflight++;
      const encoding = m.headers?.[WIRE_HEADERS.encoding];
      const acking =
        encoding === WIRE_ENCODINGS.deltaDeflate
          ? keyframeSeq[i]!.then((base) => js.publish(names[i]!, m.data, { timeout: 30_000, headers: toHeaders({ ...m.headers, [WIRE_HEADERS.base]: String(base) }) }))
          : js.publish(names[i]!, m.data, { timeout: 30_000, headers: toHeaders(m.headers) });
      if (m.headers?.[WIRE_HEADERS.keyframe] === "1") {
        // A keyframe that failed fails its deltas too (counted as errors), as an agent would resend rather than send them.
        const seq = acking.then((ack) => ack.seq);
        seq.catch(() => {});
        keyframeSeq[i] = seq;
      }
      acking.then(
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
    await new Promise((r) => setTimeout(r, 5));
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 20));
  await nc.flush();
  clearInterval(timer);
  report(true);
  await nc.close();
}
