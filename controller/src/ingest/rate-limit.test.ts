import { describe, expect, it } from "vitest";
import { FLOOD_CALM_MS, NodeRateLimiter } from "./rate-limit";

describe("per-node rate limit (broker time)", () => {
  it("allows the burst, then the rate; announces a flood once and calm after a quiet minute", () => {
    const l = new NodeRateLimiter({ perSecond: 2, burst: 3 });
    const at = 1_000_000;
    expect([0, 0, 0].map(() => l.take("a", at).ok)).toEqual([true, true, true]);
    const over = l.take("a", at);
    expect(over).toEqual({ ok: false, events: [{ type: "flooding", node: "a", atMs: at, dropped: 1 }] });
    expect(l.take("a", at + 100)).toEqual({ ok: false, events: [] });
    expect(l.take("b", at).ok).toBe(true); // another node has its own bucket
    expect(l.take("a", at + 600).ok).toBe(true); // 0.6 s at 2/s refilled one
    expect(l.dropped).toEqual(new Map([["a", 2]]));
    expect(l.calm(at + 100 + FLOOD_CALM_MS - 1)).toEqual([]);
    expect(l.calm(at + 100 + FLOOD_CALM_MS)).toEqual([{ type: "calm", node: "a", atMs: at + 100 + FLOOD_CALM_MS, dropped: 2 }]);
  });

  it("judges a backlog by when the broker stored it, not when it is read", () => {
    const l = new NodeRateLimiter({ perSecond: 1, burst: 2 });
    // 10 messages stored a second apart, read later all at once: all within the rate
    expect(Array.from({ length: 10 }, (_, i) => l.take("a", 5_000 + i * 1000).ok)).toEqual(Array(10).fill(true));
  });
});
