import { describe, expect, it } from "vitest";
import { stepClockSkew, trustedTs, type ClockObservation, type ClockSkewEvent, type NodeClockState } from "./clock-skew";

const T0 = 1_800_000_000_000;
const S = 1000;
const o = { thresholdMs: 120 * S, windowMs: 120 * S };

/** Runs observations through the detector: the events, and each message's trusted time. */
function run(obs: readonly ClockObservation[]): { events: ClockSkewEvent[]; trusted: number[]; state: NodeClockState | undefined } {
  let state: NodeClockState | undefined;
  const events: ClockSkewEvent[] = [];
  const trusted: number[] = [];
  for (const x of obs) {
    const r = stepClockSkew(state, x, o);
    state = r.state;
    events.push(...r.events);
    trusted.push(trustedTs(r.state, x.ts));
  }
  return { events, trusted, state };
}

/** A node sending every 10 s from `from`, its clock off by `skew`. */
const every10s = (from: number, n: number, skew: number): ClockObservation[] => Array.from({ length: n }, (_, i) => ({ node: "r1", atMs: from + i * 10 * S, ts: from + i * 10 * S + skew }));

describe("clock skew detector", () => {
  it("a clock in sync (a second of jitter) is trusted and raises nothing", () => {
    const r = run(every10s(T0, 30, -900));
    expect(r.events).toEqual([]);
    expect(r.trusted).toEqual(every10s(T0, 30, -900).map((x) => x.ts));
  });

  it("a clock an hour ahead: skewed at the first snapshot, stored at broker time; in sync once the window has only good samples", () => {
    const r = run([...every10s(T0, 3, 3600 * S), ...every10s(T0 + 30 * S, 14, 0)]);
    expect(r.events).toEqual([
      { type: "skewed", node: "r1", skewMs: 3600 * S, atMs: T0 },
      // the last ahead sample (T0 + 20 s) leaves the 120 s window at T0 + 140 s
      { type: "in_sync", node: "r1", skewMs: 0, atMs: T0 + 140 * S },
    ]);
    expect(r.trusted.slice(0, 3)).toEqual([T0, T0 + 10 * S, T0 + 20 * S]);
  });

  it("a clock a day behind: believed once watched for half the window, then corrected", () => {
    const r = run(every10s(T0, 10, -86_400 * S));
    expect(r.events).toEqual([{ type: "skewed", node: "r1", skewMs: -86_400 * S, atMs: T0 + 60 * S }]);
    expect(r.trusted.slice(6)).toEqual([T0 + 60 * S, T0 + 70 * S, T0 + 80 * S, T0 + 90 * S]);
    expect(r.trusted[0]).toBe(T0 - 86_400 * S);
  });

  it("an outage's backlog (an hour of buffered snapshots flushed at once, then fresh ones) is not a clock behind", () => {
    const flushAt = T0 + 3600 * S;
    const backlog = Array.from({ length: 360 }, (_, i) => ({ node: "r1", atMs: flushAt + i * 5, ts: T0 + i * 10 * S }));
    const r = run([...backlog, ...every10s(flushAt + 10 * S, 20, 0)]);
    expect(r.events).toEqual([]);
    expect(r.trusted.slice(0, 360)).toEqual(backlog.map((x) => x.ts));
  });

  it("a clock that jumps back into sync resolves as soon as a sample within the threshold is the newest max", () => {
    const behind = every10s(T0, 8, -600 * S);
    const r = run([...behind, ...every10s(T0 + 80 * S, 2, 0)]);
    expect(r.events.map((e) => [e.type, e.atMs])).toEqual([
      ["skewed", T0 + 60 * S],
      ["in_sync", T0 + 80 * S],
    ]);
    expect(r.state?.skewMs).toBe(0);
  });
});
