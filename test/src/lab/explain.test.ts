import { describe, expect, it } from "vitest";
import { timeline } from "./explain";

describe("timeline (printed beside a referee failure)", () => {
  it("lists one node's and prefix's kernel changes, events and reads in time order, ms from t0, near the failing change", () => {
    const P = "2001:db8:ff::/64";
    const lines = timeline(
      { node: "r2", prefix: P, at: 11_000 },
      [
        { node: "r2", prefix: P, before: "lost", after: "via fe80::3%v23", from: 10_600, at: 11_000 },
        { node: "r1", prefix: P, before: "lost", after: "via fe80::2%v12", from: 10_600, at: 11_000 },
        { node: "r2", prefix: P, before: "via fe80::3%v23", after: "lost", from: 500, at: 1_000 },
      ],
      [{ id: 7, code: "route_added", node: "r2", prefix: P, ts: 11_500 }],
      [{ node: "r2", ts: 11_500, readStart: 11_520, readEnd: 11_700 }],
      10_000,
      5_000,
    );
    expect(lines).toEqual(["   1000 kernel lost -> via fe80::3%v23 (old state known until 600)", "   1500 meshfleet route_added", "   1500 snapshot, daemon read 1520..1700"]);
  });
});
