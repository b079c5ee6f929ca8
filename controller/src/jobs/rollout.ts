import type { JobNodeState, JobStatus } from "@meshfleet/shared";
import type { RolloutPolicy } from "./spec";

/**
 * The rollout of one job as a pure state machine: `step(state, input, nowMs)` returns the
 * next state and the effects (deliver the job to a node, the job's status changed). The
 * service around it owns the clock, NATS and SQLite.
 *
 * Batches: the first `canary` nodes alone, then `batchSize` at a time; the next batch
 * starts when every node of the current one has finished (verified, failed,
 * rolled_back, skipped) and `pauseMs` has passed. More than `maxFailures` failed or
 * rolled-back nodes (since the last resume) halt the rollout: nothing new is sent until
 * `resume`. `cancel` skips every node not yet sent. At `expiresAt` the nodes not yet
 * sent are skipped. A node that was sent the job but has reported nothing is sent it
 * again every `resendEveryMs`; a node that says hello (back online, maybe restarted)
 * while its job is unfinished is sent it again at once.
 */

export type JobRunStatus = "running" | "halted" | "cancelled" | "completed" | "expired";
export const FINAL_NODE_STATES: readonly JobNodeState[] = ["verified", "failed", "rolled_back", "skipped"];

export interface RolloutNode {
  id: string;
  /** Batch index (0 is the canary batch when there is one); -1 for nodes skipped at planning. */
  batch: number;
  state: JobNodeState;
  attempts: number;
  firstSentAt: number | null;
  lastSentAt: number | null;
  /** When the agent first reported anything (it has the job). */
  receivedAt: number | null;
  appliedAt: number | null;
  finishedAt: number | null;
  lastStatusAt: number | null;
  reason: string | null;
  step: string | null;
}

export interface RolloutState {
  status: JobRunStatus;
  policy: RolloutPolicy;
  expiresAt: number;
  /** The batch in progress; -1 before the first. */
  batch: number;
  batchCount: number;
  /** When the next batch may start (pause between batches). */
  nextBatchAt: number | null;
  /** Failures already counted when the rollout was last resumed. */
  failureBase: number;
  reason: string | null;
  nodes: RolloutNode[];
}

export type RolloutInput =
  | { type: "tick" }
  | { type: "status"; node: string; state: JobStatus["state"]; reason: string | null; step: string | null }
  | { type: "online"; node: string }
  | { type: "cancel" }
  | { type: "resume" };

export type RolloutEffect = { type: "send"; node: string; attempt: number } | { type: "job"; status: JobRunStatus; reason: string | null };

/** Node states in which a hello triggers a re-send. */
export const AWAITING: readonly JobNodeState[] = ["sent", "applying", "applied"];
const RANK: Record<JobNodeState, number> = { pending: 0, sent: 1, applying: 2, applied: 3, verified: 4, failed: 4, rolled_back: 4, skipped: 4 };
const isFinal = (s: JobNodeState) => FINAL_NODE_STATES.includes(s);

export function initRollout(nodes: readonly { id: string; skip: string | null }[], policy: RolloutPolicy, expiresAt: number): RolloutState {
  let idx = 0;
  const batchOf = (): number => {
    const i = idx++;
    if (policy.canary > 0 && i < policy.canary) return 0;
    const rest = i - policy.canary;
    return (policy.canary > 0 ? 1 : 0) + Math.floor(rest / policy.batchSize);
  };
  const out: RolloutNode[] = nodes.map((n) => ({
    id: n.id,
    batch: n.skip === null ? batchOf() : -1,
    state: n.skip === null ? "pending" : "skipped",
    attempts: 0,
    firstSentAt: null,
    lastSentAt: null,
    receivedAt: null,
    appliedAt: null,
    finishedAt: null,
    lastStatusAt: null,
    reason: n.skip,
    step: null,
  }));
  const batchCount = out.reduce((m, n) => Math.max(m, n.batch + 1), 0);
  return { status: "running", policy, expiresAt, batch: -1, batchCount, nextBatchAt: null, failureBase: 0, reason: null, nodes: out };
}

export function failures(s: RolloutState): number {
  return s.nodes.filter((n) => n.state === "failed" || n.state === "rolled_back").length;
}

function applyStatus(n: RolloutNode, input: Extract<RolloutInput, { type: "status" }>, now: number): void {
  n.lastStatusAt = now;
  n.receivedAt ??= now;
  if (input.state === "duplicate" || input.state === "received") {
    if (n.state === "pending") n.state = "sent";
    return;
  }
  const next: JobNodeState = input.state;
  if (isFinal(n.state) || RANK[next] < RANK[n.state]) return;
  n.state = next;
  n.step = input.step;
  if (next === "applied") n.appliedAt ??= now;
  if (isFinal(next)) {
    n.finishedAt = now;
    n.reason = input.reason;
  }
}

export function step(prev: RolloutState, input: RolloutInput, now: number): { state: RolloutState; effects: RolloutEffect[] } {
  return stepAll(prev, [input], now);
}

/** Several inputs in order (an ingest batch): the same as stepping one by one, one copy of the state. */
export function stepAll(prev: RolloutState, inputs: readonly RolloutInput[], now: number): { state: RolloutState; effects: RolloutEffect[] } {
  const s: RolloutState = structuredClone(prev);
  const effects: RolloutEffect[] = [];
  for (const input of inputs) stepInPlace(s, input, now, effects);
  return { state: s, effects };
}

function stepInPlace(s: RolloutState, input: RolloutInput, now: number, effects: RolloutEffect[]): void {
  const setStatus = (status: JobRunStatus, reason: string | null) => {
    s.status = status;
    s.reason = reason;
    effects.push({ type: "job", status, reason });
  };
  const skipPending = (reason: string) => {
    for (const n of s.nodes) {
      if (n.state !== "pending") continue;
      n.state = "skipped";
      n.reason = reason;
      n.finishedAt = now;
    }
  };
  const send = (n: RolloutNode) => {
    n.attempts += 1;
    n.firstSentAt ??= now;
    n.lastSentAt = now;
    if (n.state === "pending") n.state = "sent";
    effects.push({ type: "send", node: n.id, attempt: n.attempts });
  };
  const live = s.status === "running" || s.status === "halted";

  switch (input.type) {
    case "status": {
      const n = s.nodes.find((x) => x.id === input.node);
      if (n) applyStatus(n, input, now);
      break;
    }
    case "online": {
      // A node back online (a new hello) may have restarted mid-job: send again anything it
      // has not finished. The agent is idempotent: it re-reports a final status, rolls
      // back a job its restart interrupted, or applies a job it never received.
      const n = s.nodes.find((x) => x.id === input.node);
      if (live && now < s.expiresAt && n && AWAITING.includes(n.state)) send(n);
      break;
    }
    case "cancel":
      if (live) {
        skipPending("cancelled");
        setStatus("cancelled", "cancelled by an operator");
      }
      break;
    case "resume":
      if (s.status === "halted") {
        s.failureBase = failures(s);
        setStatus("running", null);
      }
      break;
    case "tick":
      break;
  }

  if ((s.status === "running" || s.status === "halted") && now >= s.expiresAt) {
    skipPending("expired");
    setStatus("expired", "the job expired");
  }
  if (s.status === "running" && failures(s) - s.failureBase > s.policy.maxFailures) {
    const f = failures(s) - s.failureBase;
    setStatus("halted", `${f} node(s) failed or rolled back (more than ${s.policy.maxFailures} allowed)`);
  }
  while (s.status === "running") {
    const current = s.nodes.filter((n) => n.batch === s.batch);
    if (s.batch >= 0 && !current.every((n) => isFinal(n.state))) break;
    if (s.batch + 1 >= s.batchCount) {
      setStatus("completed", null);
      break;
    }
    if (s.batch >= 0 && s.policy.pauseMs > 0) {
      s.nextBatchAt ??= now + s.policy.pauseMs;
      if (now < s.nextBatchAt) break;
    }
    s.batch += 1;
    s.nextBatchAt = null;
    for (const n of s.nodes) if (n.batch === s.batch && n.state === "pending") send(n);
  }
  if ((s.status === "running" || s.status === "halted") && input.type !== "online") {
    for (const n of s.nodes) {
      if (n.state === "sent" && n.receivedAt === null && n.lastSentAt !== null && now - n.lastSentAt >= s.policy.resendEveryMs) send(n);
    }
  }
}

/** When the service should call `step` with a tick next (null: only inputs can change anything). */
export function nextWakeup(s: RolloutState): number | null {
  if (s.status !== "running" && s.status !== "halted") return null;
  const times = [s.expiresAt];
  if (s.nextBatchAt !== null) times.push(s.nextBatchAt);
  for (const n of s.nodes) if (n.state === "sent" && n.receivedAt === null && n.lastSentAt !== null) times.push(n.lastSentAt + s.policy.resendEveryMs);
  return Math.min(...times);
}
