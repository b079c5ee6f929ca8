import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateJson, encodeDelta, subjects, WIRE_ENCODINGS, WIRE_HEADERS, type Json } from "@meshfleet/shared";
import { openStore, systemClock } from "../store/index";
import { buildSnapshot } from "../../testing";
import { WireDecoder, type WireMessage } from "./wire";

const dir = mkdtempSync(join(tmpdir(), "mf-wire-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hdr = (h: Record<string, string>) => ({ get: (k: string) => h[k] ?? "" });
const snap = (seq: number, node = "ap-1") => JSON.parse(JSON.stringify(buildSnapshot({ node, boot: "boot-0001", seq, ts: seq * 10_000 }))) as Json;
const keyframe = (seq: number, streamSeq: number, node = "ap-1"): WireMessage => ({
  subject: subjects.telemetry(node),
  seq: streamSeq,
  data: deflateJson(JSON.stringify(snap(seq, node))),
  headers: hdr({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deflate }),
});
const marked = (seq: number, streamSeq: number, node = "ap-1", boot = "boot-0001"): WireMessage => ({
  subject: subjects.telemetry(node),
  seq: streamSeq,
  data: deflateJson(JSON.stringify({ ...(snap(seq, node) as object), boot })),
  headers: hdr({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deflate, [WIRE_HEADERS.keyframe]: "1" }),
});
const delta = (baseSeq: number, baseStream: number, seq: number, streamSeq: number, node = "ap-1", baseBoot?: string): WireMessage => ({
  subject: subjects.telemetry(node),
  seq: streamSeq,
  data: encodeDelta(snap(baseSeq, node), baseSeq, snap(seq, node), baseBoot),
  headers: hdr({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deltaDeflate, [WIRE_HEADERS.base]: String(baseStream) }),
});

describe("WireDecoder", () => {
  it("decodes plain JSON, keyframes and deltas to the same snapshots", async () => {
    const stream = new Map<number, WireMessage>();
    const dec = new WireDecoder({ fetch: (s) => Promise.resolve(stream.get(s) ?? null) });
    const plain = await dec.decode({ subject: subjects.telemetry("ap-1"), seq: 1, data: new TextEncoder().encode(JSON.stringify(snap(3))) });
    const k = keyframe(1, 2);
    stream.set(2, k);
    const fromKey = await dec.decode(k);
    const fromDelta = await dec.decode(delta(1, 2, 3, 3));
    expect(plain.ok && fromDelta.ok && fromKey.ok).toBe(true);
    expect(JSON.stringify(fromDelta.ok && fromDelta.item.msg)).toBe(JSON.stringify(plain.ok && plain.item.msg));
    expect(dec.fetched).toBe(0);
  });

  it("reads a keyframe it does not keep back from the stream; a gone one is base_missing", async () => {
    const stream = new Map<number, WireMessage>([[7, keyframe(1, 7)]]);
    const dec = new WireDecoder({ fetch: (s) => Promise.resolve(stream.get(s) ?? null) });
    const d = await dec.decode(delta(1, 7, 4, 9));
    expect(d.ok && d.item.kind === "snapshot" && d.item.msg.seq).toBe(4);
    expect(dec.fetched).toBe(1);
    expect(await dec.decode(delta(1, 8, 5, 10))).toMatchObject({ ok: false, reason: "base_missing" });
    const failing = new WireDecoder({ fetch: () => Promise.reject(new Error("no stream")) });
    expect(await failing.decode(delta(1, 7, 4, 9))).toMatchObject({ ok: false, reason: "base_missing" });
  });

  it("refuses deltas that do not belong to their keyframe and broken encodings", async () => {
    const dec = new WireDecoder({ fetch: () => Promise.resolve(null) });
    await dec.decode(keyframe(1, 1));
    await dec.decode(keyframe(1, 2, "ap-2"));
    // names seq 2 but the keyframe at stream seq 1 is seq 1: not its base, which is nowhere
    expect(await dec.decode(delta(2, 1, 3, 5))).toMatchObject({ ok: false, reason: "base_missing", message: expect.stringMatching(/keyframe seq 2 \(stream sequence 1\) is gone/) });
    // another node's keyframe is never a base
    expect(await dec.decode(delta(1, 2, 3, 6))).toMatchObject({ ok: false, reason: "base_missing" });
    const bad = (h: Record<string, string>, data: Uint8Array) => dec.decode({ subject: subjects.telemetry("ap-1"), seq: 9, data, headers: hdr(h) });
    expect(await bad({ [WIRE_HEADERS.encoding]: "zstd" }, new Uint8Array([1]))).toMatchObject({ reason: "bad_encoding", message: expect.stringMatching(/unknown Mf-Enc/) });
    expect(await bad({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deflate }, new TextEncoder().encode("{}"))).toMatchObject({ reason: "bad_encoding", message: expect.stringMatching(/cannot inflate/) });
    expect(await bad({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deltaDeflate }, deflateJson("{}"))).toMatchObject({ reason: "bad_encoding", message: expect.stringMatching(/needs Mf-Base/) });
    expect(await bad({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deltaDeflate, [WIRE_HEADERS.base]: "1" }, deflateJson('{"b":1,"d":{"a":[5]}}'))).toMatchObject({
      reason: "bad_encoding",
      message: expect.stringMatching(/does not fit its base/),
    });
    // a delta that changes the boot is refused
    const otherBoot = deflateJson(JSON.stringify({ b: 1, d: { o: { boot: { "=": "boot-9999" } } } }));
    expect(await bad({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deltaDeflate, [WIRE_HEADERS.base]: "1" }, otherBoot)).toMatchObject({ reason: "bad_encoding", message: expect.stringMatching(/same node and boot/) });
    // a deflated message that expands beyond the limit
    const k = keyframe(1, 1);
    const small = new WireDecoder({ fetch: () => Promise.resolve(null), maxBytes: k.data.length + 10 });
    expect(await small.decode(k)).toMatchObject({ ok: false, reason: "bad_encoding", message: expect.stringMatching(/cannot inflate/) });
    // a keyframe that fails the schema is invalid, as plain JSON would be
    expect(await bad({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deflate }, deflateJson('{"type":"snapshot"}'))).toMatchObject({ ok: false, reason: "invalid" });
    // and one that inflates to something other than JSON is not_json, as plain text would be
    expect(await bad({ [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deflate }, deflateJson('{"type":'))).toMatchObject({ ok: false, reason: "not_json" });
  });

  it("keeps marked keyframes in the store: a restarted decoder, and a hub whose copy has another stream sequence, decode the deltas", async () => {
    const store = openStore({ file: join(dir, "k.sqlite"), clock: systemClock });
    try {
      const gone = () => Promise.resolve(null);
      const first = new WireDecoder({ fetch: gone, store: store.keyframes });
      expect((await first.decode(marked(1, 40))).ok).toBe(true);
      // Noted by decode, written by storeKeyframes (the ingest calls it inside the batch's transaction).
      expect(await store.keyframes.bySnapshot("ap-1", "boot-0001", 1)).toBeNull();
      expect(first.hasUnsavedKeyframes).toBe(true);
      await first.storeKeyframes();
      expect(first.hasUnsavedKeyframes).toBe(false);
      expect(await store.keyframes.bySnapshot("ap-1", "boot-0001", 1)).toMatchObject({ nodeId: "ap-1", seq: 1, streamSeq: 40 });
      // Unmarked keyframes (deflate mode: no delta will name them) are not written.
      await first.decode(keyframe(2, 41, "ap-2"));
      expect(first.hasUnsavedKeyframes).toBe(false);
      await first.storeKeyframes();
      expect(await store.keyframes.bySnapshot("ap-2", "boot-0001", 2)).toBeNull();
      // A restart: nothing in memory, the stream forgot the acknowledged keyframe.
      const restarted = new WireDecoder({ fetch: gone, store: store.keyframes });
      const d = await restarted.decode(delta(1, 40, 5, 44));
      expect(d.ok && d.item.kind === "snapshot" && [d.item.msg.seq, d.item.msg.boot]).toEqual([5, "boot-0001"]);
      // A hub: the delta names the site's stream sequence 12; found by node, boot and seq.
      const hub = new WireDecoder({ fetch: gone, store: store.keyframes });
      const h = await hub.decode(delta(1, 12, 6, 90, "ap-1", "boot-0001"));
      expect(h.ok && h.item.kind === "snapshot" && h.item.msg.seq).toBe(6);
      // The same seq of another boot is not its base.
      expect(await hub.decode(delta(1, 12, 6, 91, "ap-1", "boot-0002"))).toMatchObject({ ok: false, reason: "base_missing" });
      expect(hub.fetched + restarted.fetched).toBe(0);
    } finally {
      store.close();
    }
  });

  it("a hub decodes a delta whose keyframe came earlier in the same batch (noted, not yet written), under another stream sequence", async () => {
    const store = openStore({ file: join(dir, "batch.sqlite"), clock: systemClock });
    try {
      const hub = new WireDecoder({ fetch: () => Promise.resolve(null), store: store.keyframes });
      // The site's keyframe at its stream sequence 12 is the hub's 70; the delta names 12.
      expect((await hub.decode(marked(1, 70))).ok).toBe(true);
      expect(await store.keyframes.bySnapshot("ap-1", "boot-0001", 1)).toBeNull();
      const d = await hub.decode(delta(1, 12, 2, 71, "ap-1", "boot-0001"));
      expect(d.ok && d.item.kind === "snapshot" && [d.item.msg.seq, d.item.msg.boot]).toEqual([2, "boot-0001"]);
      // Another boot's seq 1 is still not its base.
      expect(await hub.decode(delta(1, 12, 3, 72, "ap-1", "boot-0002"))).toMatchObject({ ok: false, reason: "base_missing" });
      expect(hub.fetched).toBe(0);
    } finally {
      store.close();
    }
  });

  it("a hub finds a keyframe it decoded in memory by node, boot and seq: no store query, no read-back", async () => {
    const store = openStore({ file: join(dir, "hub-memory.sqlite"), clock: systemClock });
    try {
      const asked: string[] = [];
      const counting = {
        put: (k: Parameters<typeof store.keyframes.put>[0]) => store.keyframes.put(k),
        byStreamSeq: (s: number, subject: string) => (asked.push(`byStreamSeq ${s}`), store.keyframes.byStreamSeq(s, subject)),
        bySnapshot: (n: string, b: string, q: number) => (asked.push(`bySnapshot ${q}`), store.keyframes.bySnapshot(n, b, q)),
      };
      const hub = new WireDecoder({ fetch: () => Promise.resolve(null), store: counting });
      // The site's keyframe at its stream sequence 12 is the hub's 70; written with its batch.
      expect((await hub.decode(marked(1, 70))).ok).toBe(true);
      await hub.storeKeyframes();
      for (let seq = 2; seq <= 4; seq++) {
        const d = hub.decode(delta(1, 12, seq, 69 + seq, "ap-1", "boot-0001"));
        // Decoded synchronously: the keyframe is in memory.
        expect(d instanceof Promise).toBe(false);
        expect((d as Awaited<typeof d>).ok).toBe(true);
      }
      expect(asked).toEqual([]);
      // Another boot's seq 1 is not its base (nowhere in memory, so the store is asked).
      expect(await hub.decode(delta(1, 12, 5, 80, "ap-1", "boot-0002"))).toMatchObject({ ok: false, reason: "base_missing" });
      // A delta naming no boot (an older agent) is found by the stream sequence it names, here the hub's own.
      const here = hub.decode(delta(1, 70, 6, 81));
      expect(here instanceof Promise).toBe(false);
      expect((here as Awaited<typeof here>).ok).toBe(true);
      expect(hub.fetched).toBe(0);
    } finally {
      store.close();
    }
  });

  it("keeps the last three keyframes of each node", async () => {
    const store = openStore({ file: join(dir, "prune.sqlite"), clock: systemClock });
    try {
      const dec = new WireDecoder({ fetch: () => Promise.resolve(null), store: store.keyframes });
      for (let i = 1; i <= 5; i++) await dec.decode(marked(i * 10, i));
      await dec.decode(marked(1, 6, "ap-2"));
      await dec.storeKeyframes();
      const kept = async (node: string, seqs: number[]) => {
        const out: number[] = [];
        for (const q of seqs) if ((await store.keyframes.bySnapshot(node, "boot-0001", q)) !== null) out.push(q);
        return out;
      };
      expect(await kept("ap-1", [10, 20, 30, 40, 50])).toEqual([30, 40, 50]);
      expect(await kept("ap-2", [1])).toEqual([1]);
    } finally {
      store.close();
    }
  });
});
