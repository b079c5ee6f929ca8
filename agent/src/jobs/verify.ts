import { PROTOCOL_VERSION, subjects, toWireError, type Job, type JobStatus } from "@meshfleet/shared";
import type { JobClock, JobVerifier, VerifyResult } from "./types";

export interface PeerCounts {
  /** Mesh peers with an established peer link (`mesh plink: ESTAB`). */
  meshPeers: number;
  /** Routing neighbours (RIPng/Babel) currently seen. */
  neighbors: number;
}

export interface VerifierOptions {
  /**
   * A round trip to the controller over the agent's own connection (e.g. a NATS
   * flush: PING/PONG through the broker). Rejects or returns false when cut off.
   */
  roundTrip: (job: Job) => Promise<boolean | void>;
  /** Counts peers by collecting (only needed for jobs with minMeshPeers/minNeighbors). */
  countPeers?: () => Promise<PeerCounts>;
  /** Give up one round trip after this long (default 3000 ms). */
  roundTripTimeoutMs?: number;
  clock: JobClock;
}

/** Races p against a timeout; the timer is cancelled when p settles first. */
async function within<T>(p: Promise<T>, ms: number, clock: JobClock): Promise<T | "timeout"> {
  const ac = new AbortController();
  let settled = false;
  const timeout = clock.sleep(ms, ac.signal).then(() => (settled ? null : ("timeout" as const)));
  try {
    const r = await Promise.race([p.then((v) => ({ v })), timeout]);
    return r === null ? "timeout" : r === "timeout" ? r : r.v;
  } finally {
    settled = true;
    ac.abort();
  }
}

/**
 * The verification the design asks for: the node is back in touch with the controller
 * (a round trip over its connection works) and, when the job says so, keeps at least K
 * mesh peers / routing neighbours.
 */
export function createVerifier(o: VerifierOptions): JobVerifier {
  return {
    async check(job: Job): Promise<VerifyResult> {
      try {
        const r = await within(o.roundTrip(job), o.roundTripTimeoutMs ?? 3000, o.clock);
        if (r === "timeout") return { ok: false, reason: "no round trip to the controller (timed out)" };
        if (r === false) return { ok: false, reason: "not connected to the controller" };
      } catch (e) {
        return { ok: false, reason: `no round trip to the controller: ${toWireError(e).message}` };
      }
      const { minMeshPeers, minNeighbors } = job.verify;
      if (minMeshPeers === undefined && minNeighbors === undefined) return { ok: true, detail: "controller reachable" };
      if (!o.countPeers) return { ok: false, reason: "peer counts requested but this agent cannot collect them" };
      let counts: PeerCounts;
      try {
        counts = await o.countPeers();
      } catch (e) {
        return { ok: false, reason: `could not count peers: ${toWireError(e).message}` };
      }
      if (minMeshPeers !== undefined && counts.meshPeers < minMeshPeers) {
        return { ok: false, reason: `${counts.meshPeers}/${minMeshPeers} mesh peers` };
      }
      if (minNeighbors !== undefined && counts.neighbors < minNeighbors) {
        return { ok: false, reason: `${counts.neighbors}/${minNeighbors} routing neighbours` };
      }
      return { ok: true, detail: `controller reachable, ${counts.meshPeers} mesh peers, ${counts.neighbors} neighbours` };
    },
  };
}

/**
 * Repeats `verifier.check` every `pollMs` until it passes or `deadlineMs` has passed;
 * returns the last result (its reason says the deadline passed).
 */
export async function verifyWithinDeadline(job: Job, verifier: JobVerifier, clock: JobClock, pollMs = 1000): Promise<VerifyResult> {
  const deadlineAt = clock.now() + job.verify.deadlineMs;
  for (;;) {
    const left = deadlineAt - clock.now();
    const r = await within(verifier.check(job), Math.max(1, left), clock);
    if (r !== "timeout" && r.ok) return r;
    const reason = r === "timeout" ? "verification did not finish" : r.reason;
    if (clock.now() + pollMs >= deadlineAt) return { ok: false, reason: `${reason} (deadline of ${job.verify.deadlineMs} ms passed)` };
    await clock.sleep(pollMs);
  }
}

/**
 * A round trip through the broker over the agent's own connection: a JetStream publish
 * of an `applied` status ("verify: broker round trip") that must be acknowledged. A link
 * the new config cut fails here even while the client still believes it is connected.
 */
export function brokerRoundTrip(
  publisher: { readonly connected: boolean; publish(subject: string, data: Uint8Array, opts?: { timeoutMs?: number }): Promise<unknown> },
  clock: { now(): number },
  timeoutMs = 3000,
): (job: Job) => Promise<boolean> {
  return async (job) => {
    if (!publisher.connected) return false;
    const status: JobStatus = {
      type: "jobStatus",
      v: PROTOCOL_VERSION,
      jobId: job.id,
      node: job.node,
      boot: "verifier",
      ts: clock.now(),
      state: "applied",
      reason: null,
      step: "verify: broker round trip",
    };
    await publisher.publish(subjects.jobStatus(job.node), new TextEncoder().encode(JSON.stringify(status)), { timeoutMs });
    return true;
  };
}
