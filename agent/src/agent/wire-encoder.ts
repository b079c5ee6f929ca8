import { deflateJson, encodeDelta, WIRE_ENCODINGS, WIRE_HEADERS, type Json, type Snapshot, type WireMode } from "@meshfleet/shared";
import type { PublishAck } from "../publish/types";

/** One snapshot as it goes on the wire. */
export interface EncodedSnapshot {
  data: Uint8Array;
  headers?: Record<string, string>;
  /** Set on a keyframe: what later deltas are computed against once the broker acknowledged it. */
  keyframe?: { boot: string; seq: number; value: Json };
}

export interface WireEncoderOptions {
  /** A keyframe at least every this many snapshots (default 30: 5 minutes at 10 s). */
  keyframeEvery?: number;
  /** A delta larger than this share of the last keyframe is sent as a keyframe instead (default 0.5). */
  maxDeltaShare?: number;
}

const utf8 = new TextDecoder();

/**
 * Encodes snapshots for the wire (`@meshfleet/shared` wire/encoding.ts). In `delta` mode a
 * snapshot is a delta against the last keyframe the broker acknowledged (never against a
 * delta, so each one decodes alone whatever the order or redelivery), and a keyframe is
 * sent after a (re)connect (`reset`), on a new boot, every `keyframeEvery` snapshots and
 * whenever a delta would be large. Keeps one keyframe, as parsed JSON.
 */
export class WireEncoder {
  readonly mode: WireMode;
  readonly #every: number;
  readonly #share: number;
  #base: { boot: string; seq: number; streamSeq: number; value: Json; bytes: number } | null = null;
  #sinceBase = 0;

  constructor(mode: WireMode, o: WireEncoderOptions = {}) {
    this.mode = mode;
    this.#every = Math.max(1, Math.floor(o.keyframeEvery ?? 30));
    this.#share = o.maxDeltaShare ?? 0.5;
  }

  /** Forget the keyframe (after a reconnect: the broker may have lost it). */
  reset(): void {
    this.#base = null;
  }

  /** `json` is the snapshot's JSON as a version-1 agent would send it (after fitSnapshot). */
  encode(s: Snapshot, json: Uint8Array): EncodedSnapshot {
    if (this.mode === "json") return { data: json };
    const keyframe = (value: Json | null): EncodedSnapshot => ({
      data: deflateJson(json),
      headers: { [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deflate, ...(value !== null ? { [WIRE_HEADERS.keyframe]: "1" } : {}) },
      ...(value !== null ? { keyframe: { boot: s.boot, seq: s.seq, value } } : {}),
    });
    if (this.mode === "deflate") return keyframe(null);
    const value = JSON.parse(utf8.decode(json)) as Json;
    const b = this.#base;
    if (b && b.boot === s.boot && b.seq < s.seq && this.#sinceBase < this.#every - 1) {
      const data = encodeDelta(b.value, b.seq, value, b.boot);
      if (data.length <= b.bytes * this.#share) {
        return { data, headers: { [WIRE_HEADERS.encoding]: WIRE_ENCODINGS.deltaDeflate, [WIRE_HEADERS.base]: String(b.streamSeq) } };
      }
    }
    return keyframe(value);
  }

  /** The broker acknowledged `e`: a keyframe it stored now (not a duplicate of an earlier attempt) becomes the base. */
  acknowledged(e: EncodedSnapshot, ack: PublishAck | void): void {
    if (e.keyframe) {
      if (ack && !ack.duplicate) {
        this.#base = { ...e.keyframe, streamSeq: ack.seq, bytes: e.data.length };
        this.#sinceBase = 0;
      }
    } else this.#sinceBase += 1;
  }
}
