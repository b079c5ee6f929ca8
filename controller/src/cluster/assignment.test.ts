import { describe, expect, it } from "vitest";
import { assignPartitions } from "./assignment";

const all = (m: Map<string, number[]>) => [...m.values()].flat().sort((a, b) => a - b);

describe("assignPartitions", () => {
  it("gives every partition to exactly one member, in fair shares", () => {
    const a = assignPartitions(["c2", "c1", "c3"], 16);
    expect(all(a)).toEqual([...Array(16).keys()]);
    expect([...a.values()].map((ps) => ps.length).sort()).toEqual([5, 5, 6]);
  });

  it("is the same whatever order the members are listed in", () => {
    expect(assignPartitions(["b", "a", "c"], 12)).toEqual(assignPartitions(["c", "a", "b", "a"], 12));
  });

  it("gives a lone member everything, and nobody nothing", () => {
    expect(assignPartitions(["only"], 4)).toEqual(new Map([["only", [0, 1, 2, 3]]]));
    expect(assignPartitions([], 4)).toEqual(new Map());
  });

  it("moves only the leaving member's partitions to the survivors", () => {
    const before = assignPartitions(["c1", "c2", "c3", "c4"], 64);
    const after = assignPartitions(["c1", "c2", "c3"], 64);
    for (const m of ["c1", "c2", "c3"]) {
      const kept = before.get(m)!.filter((p) => after.get(m)!.includes(p));
      // a survivor may give up a partition only to stay within its fair share (22 of 64)
      expect(kept.length).toBeGreaterThanOrEqual(Math.min(before.get(m)!.length, 22) - 2);
    }
    expect(all(after)).toEqual([...Array(64).keys()]);
  });
});
