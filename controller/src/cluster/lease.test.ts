import { describe, expect, it } from "vitest";
import { afterWrite, FREE, leaseTiming, nextAction, type Lease } from "./lease";

const t = leaseTiming(10_000); // renew every 2 s, drop 2.5 s before the end

describe("lease state machine", () => {
  it("acquires a wanted free lease, and leaves an unwanted one alone", () => {
    expect(nextAction(FREE, true, 0, t)).toBe("acquire");
    expect(nextAction(FREE, false, 0, t)).toBe("none");
  });

  it("renews from the time the last successful write was sent", () => {
    const held = afterWrite(FREE, 1000, { ok: true, revision: 7 });
    expect(held).toEqual({ held: true, revision: 7, sentAt: 1000 });
    expect(nextAction(held, true, 2999, t)).toBe("none");
    expect(nextAction(held, true, 3000, t)).toBe("renew");
  });

  it("keeps counting from the last success while the bucket is unreachable, and drops before the TTL ends", () => {
    let l: Lease = afterWrite(FREE, 0, { ok: true, revision: 1 });
    for (const at of [2000, 4000, 6000]) {
      expect(nextAction(l, true, at, t)).toBe("renew");
      l = afterWrite(l, at, { ok: false, reason: "unreachable" });
    }
    expect(l).toEqual({ held: true, revision: 1, sentAt: 0 });
    expect(nextAction(l, true, 7499, t)).toBe("renew");
    expect(nextAction(l, true, 7500, t)).toBe("drop");
    expect(nextAction(l, false, 7500, t)).toBe("drop");
  });

  it("loses the lease when a conditional write finds someone else's revision", () => {
    const l = afterWrite(FREE, 0, { ok: true, revision: 1 });
    expect(afterWrite(l, 2000, { ok: false, reason: "taken" })).toEqual(FREE);
    expect(afterWrite(FREE, 0, { ok: false, reason: "taken" })).toEqual(FREE);
  });

  it("releases a held lease nobody assigns to us any more", () => {
    const l = afterWrite(FREE, 0, { ok: true, revision: 3 });
    expect(nextAction(l, false, 100, t)).toBe("release");
  });
});
