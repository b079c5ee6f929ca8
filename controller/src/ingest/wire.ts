import {
  expandDelta,
  inflateText,
  MAX_MESSAGE_BYTES,
  readDelta,
  WIRE_ENCODINGS,
  WIRE_HEADERS,
  WireEncodingError,
  type Json,
} from "@meshfleet/shared";
import { decodeMessage, decodeText, decodeValue, type Decoded } from "./decode";

/** A message as the stream delivers it (a JsMsg, or a StoredMsg read back by sequence). */
export interface WireMessage {
  subject: string;
  data: Uint8Array;
  /** Stream sequence. */
  seq: number;
  headers?: { get(k: string): string } | undefined;
}

/** Reads a stored message back from the telemetry stream by sequence (null when it is gone). */
export type FetchStored = (seq: number) => Promise<WireMessage | null>;

interface Keyframe {
  subject: string;
  value: Json;
}

export interface WireDecoderOptions {
  fetch: FetchStored;
  maxBytes?: number;
  /** Keyframes kept in memory (parsed), newest first; older ones are read back from the stream. */
  keyframes?: number;
}

const fail = (reason: "bad_encoding" | "base_missing", message: string): Decoded => ({ ok: false, reason, message });

/**
 * Decodes what agents send in any encoding (`@meshfleet/shared` wire/encoding.ts): plain
 * JSON as before, deflated keyframes, and deltas against a keyframe. Keyframes seen are
 * kept parsed (bounded); a delta whose keyframe is not kept (a restart, another
 * controller took it, the cache moved on) has it read back from the stream by the
 * sequence in `Mf-Base`. A delta whose keyframe is gone from the stream is rejected as
 * `base_missing`: the agent's next keyframe (at the latest `keyframeEvery` snapshots later)
 * restores the flow.
 */
export class WireDecoder {
  readonly #fetch: FetchStored;
  readonly #max: number;
  readonly #limit: number;
  readonly #keyframes = new Map<number, Keyframe>();
  /** Keyframes read back from the stream (for the figures). */
  fetched = 0;

  constructor(o: WireDecoderOptions) {
    this.#fetch = o.fetch;
    this.#max = o.maxBytes ?? MAX_MESSAGE_BYTES;
    this.#limit = Math.max(1, o.keyframes ?? 4096);
  }

  /** Synchronous unless a keyframe must be read back from the stream. */
  decode(m: WireMessage): Decoded | Promise<Decoded> {
    const encoding = m.headers?.get(WIRE_HEADERS.encoding) ?? "";
    if (encoding === "") return decodeMessage(m.subject, m.data, this.#max);
    if (m.data.length > this.#max) return { ok: false, reason: "too_large", message: `message of ${m.data.length} bytes exceeds ${this.#max}` };
    try {
      if (encoding === WIRE_ENCODINGS.deflate) {
        const text = inflateText(m.data, this.#max);
        const d = decodeText(m.subject, text);
        if (d.ok && d.item.kind === "snapshot") this.#keep(m.seq, { subject: m.subject, value: JSON.parse(text) as Json });
        return d;
      }
      if (encoding === WIRE_ENCODINGS.deltaDeflate) {
        const baseSeq = Number(m.headers?.get(WIRE_HEADERS.base) ?? "");
        if (!Number.isSafeInteger(baseSeq) || baseSeq < 1) return fail("bad_encoding", `a delta needs ${WIRE_HEADERS.base}: the keyframe's stream sequence`);
        const kept = this.#keyframes.get(baseSeq);
        if (kept) return this.#expand(m, kept);
        return this.#readBack(baseSeq).then((k) => (k ? this.#expand(m, k) : fail("base_missing", `keyframe at stream sequence ${baseSeq} is gone; waiting for the next keyframe`)));
      }
      return fail("bad_encoding", `unknown ${WIRE_HEADERS.encoding}: ${encoding.slice(0, 40)}`);
    } catch (e) {
      return fail("bad_encoding", (e as Error).message);
    }
  }

  #keep(seq: number, k: Keyframe): void {
    this.#keyframes.delete(seq);
    this.#keyframes.set(seq, k);
    if (this.#keyframes.size > this.#limit) this.#keyframes.delete(this.#keyframes.keys().next().value!);
  }

  async #readBack(seq: number): Promise<Keyframe | null> {
    let stored: WireMessage | null;
    try {
      stored = await this.#fetch(seq);
    } catch {
      return null;
    }
    if (!stored || stored.headers?.get(WIRE_HEADERS.encoding) !== WIRE_ENCODINGS.deflate) return null;
    let value: Json;
    try {
      value = JSON.parse(inflateText(stored.data, this.#max)) as Json;
    } catch {
      return null;
    }
    this.fetched += 1;
    const k = { subject: stored.subject, value };
    this.#keep(seq, k);
    return k;
  }

  #expand(m: WireMessage, k: Keyframe): Decoded {
    try {
      if (k.subject !== m.subject) return fail("bad_encoding", "a delta's keyframe is another node's message");
      const p = readDelta(m.data, this.#max);
      const base = k.value as { node?: unknown; boot?: unknown; seq?: unknown };
      if (base.seq !== p.b) return fail("bad_encoding", `the keyframe at that stream sequence is seq ${String(base.seq)}, the delta names ${p.b}`);
      const value = expandDelta(k.value, p) as { node?: unknown; boot?: unknown } | null;
      if (value?.node !== base.node || value?.boot !== base.boot) return fail("bad_encoding", "a delta and its keyframe must be of the same node and boot");
      return decodeValue(m.subject, value);
    } catch (e) {
      if (e instanceof WireEncodingError) return fail("bad_encoding", e.message);
      throw e;
    }
  }
}
