import { describe, expect, it } from "vitest";
import { initRollout, nextWakeup, step, stepAll, type RolloutInput, type RolloutState } from "./rollout";
import { rolloutPolicy } from "./spec";

const T0 = 1_700_000_000_000;
const ids = ["r1", "r2", "r3", "r4", "r5", "r6"];
const start = (policy: object = {}, skip: Record<string, string> = {}) =>
  initRollout(
    ids.map((id) => ({ id, skip: skip[id] ?? null })),
    rolloutPolicy.parse({ canary: 1, batchSize: 2, ...policy }),
    T0 + 3_600_000,
  );

/** Runs inputs in order; returns the final state and every send as `node#attempt`. */
function run(s0: RolloutState, inputs: [number, RolloutInput][]) {
  let s = s0;
  const sends: string[] = [];
  const jobs: string[] = [];
  for (const [t, input] of inputs) {
    const r = step(s, input, T0 + t);
    s = r.state;
    for (const e of r.effects) {
      if (e.type === "send") sends.push(`${e.node}#${e.attempt}`);
      else jobs.push(e.status);
    }
  }
  return { s, sends, jobs, states: Object.fromEntries(s.nodes.map((n) => [n.id, n.state])) };
}
const st = (node: string, state: "received" | "applying" | "applied" | "verified" | "failed" | "rolled_back" | "duplicate", reason: string | null = null): RolloutInput => ({
  type: "status",
  node,
  state,
  reason,
  step: null,
});

describe("rollout state machine", () => {
  it("canary first, then batches, completed when all are verified", () => {
    const r = run(start(), [
      [0, { type: "tick" }],
      [10, st("r1", "received")],
      [20, st("r1", "applied")],
      [30, st("r1", "verified")],
      [40, st("r2", "verified")],
      [50, st("r3", "verified")],
      [60, st("r4", "verified")],
      [60, st("r5", "verified")],
      [70, st("r6", "verified")],
    ]);
    expect(r.sends).toEqual(["r1#1", "r2#1", "r3#1", "r4#1", "r5#1", "r6#1"]);
    expect(r.jobs).toEqual(["completed"]);
    expect(r.s.nodes[0]).toMatchObject({ firstSentAt: T0, receivedAt: T0 + 10, appliedAt: T0 + 20, finishedAt: T0 + 30 });
  });

  it("a canary that rolls back halts the rollout with the others untouched; resume continues", () => {
    const r = run(start(), [
      [0, { type: "tick" }],
      [10, st("r1", "rolled_back", "verify: 0/1 mesh peers")],
      [20, { type: "tick" }],
    ]);
    expect(r.jobs).toEqual(["halted"]);
    expect(r.s.reason).toBe("1 node(s) failed or rolled back (more than 0 allowed)");
    expect(r.sends).toEqual(["r1#1"]);
    expect(r.states).toEqual({ r1: "rolled_back", r2: "pending", r3: "pending", r4: "pending", r5: "pending", r6: "pending" });
    const resumed = run(r.s, [[30, { type: "resume" }]]);
    expect(resumed.jobs).toEqual(["running"]);
    expect(resumed.sends).toEqual(["r2#1", "r3#1"]);
  });

  it("pause between batches; cancel skips the rest", () => {
    const r = run(start({ pauseMs: 60_000 }), [
      [0, { type: "tick" }],
      [10, st("r1", "verified")],
      [59_000, { type: "tick" }],
    ]);
    expect(r.sends).toEqual(["r1#1"]);
    expect(nextWakeup(r.s)).toBe(T0 + 10 + 60_000);
    const later = run(r.s, [[60_010, { type: "tick" }], [60_020, { type: "cancel" }], [60_030, st("r2", "verified")]]);
    expect(later.sends).toEqual(["r2#1", "r3#1"]);
    expect(later.jobs).toEqual(["cancelled"]);
    expect(later.states).toEqual({ r1: "verified", r2: "verified", r3: "sent", r4: "skipped", r5: "skipped", r6: "skipped" });
  });

  it("re-sends to a silent node; a hello re-sends an unfinished job, a finished one never", () => {
    const r = run(start({ canary: 1, resendEveryMs: 15_000 }), [
      [0, { type: "tick" }],
      [14_999, { type: "tick" }],
      [15_000, { type: "tick" }],
      [20_000, { type: "online", node: "r1" }],
      [21_000, st("r1", "received")],
      // It answered: no more periodic re-sends...
      [60_000, { type: "tick" }],
      // ...but it restarted mid-job: its hello gets the job again.
      [61_000, st("r1", "applying")],
      [62_000, { type: "online", node: "r1" }],
      [63_000, st("r1", "verified")],
      [64_000, { type: "online", node: "r1" }],
      [70_000, { type: "tick" }],
    ]);
    expect(r.sends).toEqual(["r1#1", "r1#2", "r1#3", "r1#4", "r2#1", "r3#1"]);
    expect(r.s.nodes[0]!.state).toBe("verified");
  });

  it("late or repeated statuses never move a node backwards", () => {
    const r = run(start(), [[0, { type: "tick" }], [1, st("r1", "verified")], [2, st("r1", "applying")], [3, st("r1", "duplicate")], [4, st("r1", "failed")]]);
    expect(r.s.nodes[0]!.state).toBe("verified");
  });

  it("expiry skips nodes not sent yet; planning skips stay skipped", () => {
    const r = run(start({ canary: 0, batchSize: 10 }, { r6: "no AP interface" }), [[0, { type: "tick" }], [3_600_000, { type: "tick" }]]);
    expect(r.sends).toEqual(["r1#1", "r2#1", "r3#1", "r4#1", "r5#1"]);
    expect(r.jobs).toEqual(["expired"]);
    expect(r.s.nodes[5]).toMatchObject({ state: "skipped", reason: "no AP interface", batch: -1 });
  });

  it("stepAll over a batch of inputs equals stepping them one by one", () => {
    const s0 = step(start(), { type: "tick" }, T0).state;
    const inputs: RolloutInput[] = [st("r1", "received"), st("r1", "verified"), st("r2", "failed", "apply failed"), { type: "online", node: "r3" }];
    let one = s0;
    const effects: string[] = [];
    for (const i of inputs) {
      const r = step(one, i, T0 + 5);
      one = r.state;
      effects.push(...r.effects.map((e) => JSON.stringify(e)));
    }
    const all = stepAll(s0, inputs, T0 + 5);
    expect(all.state).toEqual(one);
    expect(all.effects.map((e) => JSON.stringify(e))).toEqual(effects);
    expect(effects).toEqual(['{"type":"send","node":"r2","attempt":1}', '{"type":"send","node":"r3","attempt":1}', '{"type":"job","status":"halted","reason":"1 node(s) failed or rolled back (more than 0 allowed)"}', '{"type":"send","node":"r3","attempt":2}']);
  });

  it("maxFailures tolerates that many failures", () => {
    const r = run(start({ canary: 0, batchSize: 3, maxFailures: 1 }), [[0, { type: "tick" }], [1, st("r1", "failed")], [2, st("r2", "verified")], [3, st("r3", "rolled_back")]]);
    expect(r.jobs).toEqual(["halted"]);
    expect(r.sends).toEqual(["r1#1", "r2#1", "r3#1"]);
  });
});
