import { describe, expect, it } from "vitest";
import { partitionOf } from "./partition-of";

describe("partitionOf", () => {
  it("puts nodes where nats-server 2.9.10's partition(4,1) mapping put them", () => {
    // observed: mf.tel.node-N mapped to mf.p.{{partition(4,1)}}.tel.node-N
    expect(["node-1", "node-2", "node-3", "node-4", "node-5"].map((n) => partitionOf(n, 4))).toEqual([3, 2, 1, 0, 3]);
  });
});
