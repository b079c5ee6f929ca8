import { describe, expect, it } from "vitest";
import { DEFAULT_CHURN } from "./churn-score";
import { episodeStart, flapOrigin } from "./flap-origin";

const MIN = 60_000;

describe("flapOrigin (the node a folded route_flapping alert names)", () => {
  it("the prefix's owner (directly connected/stub route) wins, churning or not", () => {
    expect(flapOrigin({ owner: "node-9", candidates: [{ node: "node-3", startTs: 1000, score: 2500, vias: ["node-9"] }] })).toEqual({ node: "node-9", reason: "owner" });
  });

  it("without an owner: the churning node the others' churn goes through, even when a downstream node crossed the threshold first", () => {
    // node-4's default route flaps between node-1 and node-2; node-7 and node-8 reach ::/0 through node-4
    // and churn with it. node-7 polls just before node-4, so its churn starts 2 s earlier and crosses first.
    const candidates = [
      { node: "node-7", startTs: 100_000, score: 3100, vias: ["node-4", "node-5"] },
      { node: "node-4", startTs: 102_000, score: 2100, vias: ["node-1", "node-2"] },
      { node: "node-8", startTs: 104_000, score: 2050, vias: ["node-4", "node-6"] },
    ];
    expect(flapOrigin({ owner: null, candidates })).toEqual({ node: "node-4", reason: "upstream" });
  });

  it("no topology to go by: the node whose churn started earliest (then the higher score, then the name)", () => {
    expect(
      flapOrigin({
        owner: null,
        candidates: [
          { node: "node-3", startTs: 5000, score: 2100, vias: ["node-1"] },
          { node: "node-2", startTs: 4000, score: 2000, vias: ["node-1"] },
        ],
      }),
    ).toEqual({ node: "node-2", reason: "earliest" });
    expect(
      flapOrigin({
        owner: null,
        candidates: [
          { node: "node-3", startTs: 4000, score: 2100, vias: [] },
          { node: "node-2", startTs: 4000, score: 2100, vias: [] },
        ],
      }),
    ).toEqual({ node: "node-2", reason: "earliest" });
    expect(flapOrigin({ owner: null, candidates: [] })).toBeNull();
  });

  it("a churn episode starts at the first flap after the score was last calm", () => {
    // An old flap at 0, calm for an hour (decayed far below 750), then a series from 60 min on.
    const history = [
      { ts: 0, score: 1000 },
      { ts: 60 * MIN, score: 1062.5 },
      { ts: 60 * MIN + 20_000, score: 2040 },
      { ts: 60 * MIN + 40_000, score: 3000 },
    ];
    expect(episodeStart({ history }, DEFAULT_CHURN)).toBe(60 * MIN);
    expect(episodeStart({ history: history.slice(1) }, DEFAULT_CHURN)).toBe(60 * MIN);
    expect(episodeStart({ history: [] }, DEFAULT_CHURN)).toBeNull();
  });
});
