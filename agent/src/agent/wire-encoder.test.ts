import { describe, expect, it } from "vitest";
import { inflateText, readDelta, WIRE_HEADERS, type Snapshot } from "@meshfleet/shared";
import { WireEncoder } from "./wire-encoder";

// Filler that compresses about as well as a real snapshot (a repeated letter would deflate to nothing).
const FILLER = Array.from({ length: 400 }, (_, i) => ((i * 7919) % 10_007).toString(36)).join(",");
const snap = (seq: number, boot = "boot-0001", extra = 0) =>
  ({ type: "snapshot", v: 2, node: "r1", boot, seq, ts: seq * 10_000, intervalMs: 10_000, dropped: 0, filler: FILLER, n: seq + extra }) as unknown as Snapshot;
const bytes = (s: Snapshot) => new TextEncoder().encode(JSON.stringify(s));
const enc = (e: WireEncoder, s: Snapshot) => e.encode(s, bytes(s));
const kind = (x: { headers?: Record<string, string> }) => x.headers?.[WIRE_HEADERS.encoding] ?? "json";

describe("WireEncoder", () => {
  it("json sends the bytes as they are; deflate sends keyframes only", () => {
    const s = snap(1);
    expect(new WireEncoder("json").encode(s, bytes(s))).toEqual({ data: bytes(s) });
    const d = enc(new WireEncoder("deflate"), s);
    expect(kind(d)).toBe("deflate");
    expect(inflateText(d.data, 1e6)).toBe(JSON.stringify(s));
  });

  it("sends deltas against the last keyframe the broker stored, and a keyframe when it cannot", () => {
    const e = new WireEncoder("delta", { keyframeEvery: 4 });
    const k1 = enc(e, snap(1));
    expect(kind(k1)).toBe("deflate");
    // not acknowledged yet: still a keyframe
    expect(kind(enc(e, snap(2)))).toBe("deflate");
    e.acknowledged(k1, { seq: 41, duplicate: false });
    const d3 = enc(e, snap(3));
    expect(d3.headers).toEqual({ [WIRE_HEADERS.encoding]: "delta-deflate", [WIRE_HEADERS.base]: "41" });
    expect(readDelta(d3.data, 1e6)).toMatchObject({ b: 1, k: "boot-0001" });
    e.acknowledged(d3, { seq: 42, duplicate: false });
    for (const seq of [4, 5]) e.acknowledged(enc(e, snap(seq)), { seq: 40 + seq, duplicate: false });
    // the 4th after the keyframe: a keyframe again
    expect(kind(enc(e, snap(6)))).toBe("deflate");
  });

  it("starts over with a keyframe after a reset, on a new boot, and ignores duplicate acks of keyframes", () => {
    const e = new WireEncoder("delta");
    const k1 = enc(e, snap(1));
    e.acknowledged(k1, { seq: 1, duplicate: false });
    expect(kind(enc(e, snap(2)))).toBe("delta-deflate");
    expect(kind(enc(e, snap(1, "boot-0002")))).toBe("deflate");
    e.reset();
    const k3 = enc(e, snap(3));
    expect(kind(k3)).toBe("deflate");
    // the broker already had seq 3 (an earlier attempt, maybe a delta): not a base
    e.acknowledged(k3, { seq: 3, duplicate: true });
    expect(kind(enc(e, snap(4)))).toBe("deflate");
    // a publisher that does not report acks never gets deltas
    const k5 = enc(e, snap(5));
    e.acknowledged(k5, undefined);
    expect(kind(enc(e, snap(6)))).toBe("deflate");
  });

  it("sends a keyframe when the delta would be large", () => {
    const e = new WireEncoder("delta", { maxDeltaShare: 0.5 });
    const k = enc(e, snap(1));
    e.acknowledged(k, { seq: 1, duplicate: false });
    const changed = { ...snap(2), filler: Array.from({ length: 400 }, (_, i) => (i * 7919) % 1000).join(",") } as unknown as Snapshot;
    expect(kind(enc(e, changed))).toBe("deflate");
  });
});
