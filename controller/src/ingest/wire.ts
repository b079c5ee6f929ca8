import {
  expandDelta,
  inflateText,
  MAX_MESSAGE_BYTES,
  parseSubject,
  readDelta,
  WIRE_ENCODINGS,
  WIRE_HEADERS,
  WireEncodingError,
  type DeltaPayload,
  type Json,
} from "@meshfleet/shared";
import type { StoredKeyframe as KeptKeyframe } from "../store/index";
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

/** Where a keyframe was stored in this stream and what it is: its subject (the node), boot and seq. */
interface KeptAt {
  streamSeq: number;
  name: string;
}

/** A keyframe's name wherever it is stored: a hub's copy of a site's message has another stream sequence, never another name. */
const nameOf = (subject: string, boot: unknown, seq: unknown): string => JSON.stringify([subject, boot, seq]);

/** Where keyframes outlive the stream (the controller's store). */
export interface KeyframeStore {
  put(k: KeptKeyframe): Promise<void>;
  byStreamSeq(streamSeq: number, subject: string): Promise<KeptKeyframe | null>;
  bySnapshot(nodeId: string, boot: string, seq: number): Promise<KeptKeyframe | null>;
}

export interface WireDecoderOptions {
  fetch: FetchStored;
  /** Keyframes marked `Mf-Key` are written here (`storeKeyframes`, in the batch's transaction) before they are acknowledged. */
  store?: KeyframeStore;
  maxBytes?: number;
  /** Keyframes kept in memory (parsed), newest first; older ones are read back from the stream. */
  keyframes?: number;
}

const NOT_JSON = Symbol("not JSON");
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

const fail = (reason: "bad_encoding" | "base_missing", message: string): Decoded => ({ ok: false, reason, message });

/**
 * Decodes what agents send in any encoding (`@meshfleet/shared` wire/encoding.ts): plain
 * JSON as before, deflated keyframes, and deltas against a keyframe. Keyframes seen are
 * kept parsed (bounded; by node, boot and seq, so that a hub finds them too), and those marked `Mf-Key` also in the store: `decode` only notes
 * them, `storeKeyframes` writes them inside the batch's transaction (one commit with the
 * snapshots instead of two of their own per keyframe). A delta's keyframe
 * is looked up in memory, then in the store (by the stream sequence in `Mf-Base`, else by
 * node, boot and seq: a hub's copy of a site's keyframe has another stream sequence), then
 * read back from the stream. A delta whose keyframe is nowhere is rejected as
 * `base_missing`: the agent's next keyframe (at the latest `keyframeEvery` snapshots later)
 * restores the flow.
 */
export class WireDecoder {
  readonly #fetch: FetchStored;
  readonly #store: KeyframeStore | null;
  readonly #max: number;
  readonly #limit: number;
  /** Kept keyframes by name (subject, boot, seq), least recently kept first. */
  readonly #keyframes = new Map<string, Keyframe & KeptAt>();
  /** Their names by stream sequence, for deltas that do not name their keyframe's boot (older agents). */
  readonly #names = new Map<number, string>();
  /** Keyframes read back from the stream (for the figures). */
  fetched = 0;
  /** Marked keyframes decoded and not yet written (`storeKeyframes`). */
  #unsaved: KeptKeyframe[] = [];

  constructor(o: WireDecoderOptions) {
    this.#fetch = o.fetch;
    this.#store = o.store ?? null;
    this.#max = o.maxBytes ?? MAX_MESSAGE_BYTES;
    this.#limit = Math.max(1, o.keyframes ?? 4096);
  }

  /** Synchronous unless a keyframe must be read from the store or back from the stream. */
  decode(m: WireMessage): Decoded | Promise<Decoded> {
    const encoding = m.headers?.get(WIRE_HEADERS.encoding) ?? "";
    if (encoding === "") return decodeMessage(m.subject, m.data, this.#max);
    if (m.data.length > this.#max) return { ok: false, reason: "too_large", message: `message of ${m.data.length} bytes exceeds ${this.#max}` };
    try {
      if (encoding === WIRE_ENCODINGS.deflate) {
        const text = inflateText(m.data, this.#max);
        // Parsed once: the value validated is the keyframe kept (decoded snapshots are never mutated).
        const value = parseJson(text);
        const d = value === NOT_JSON ? decodeText(m.subject, text) : decodeValue(m.subject, value);
        if (d.ok && d.item.kind === "snapshot") {
          this.#keep(m.seq, { subject: m.subject, value: value as Json });
          const { node, boot, seq } = d.item.msg;
          if (this.#store && m.headers?.get(WIRE_HEADERS.keyframe) === "1") this.#unsaved.push({ nodeId: node, boot, seq, streamSeq: m.seq, subject: m.subject, data: m.data });
        }
        return d;
      }
      if (encoding === WIRE_ENCODINGS.deltaDeflate) {
        const baseSeq = Number(m.headers?.get(WIRE_HEADERS.base) ?? "");
        if (!Number.isSafeInteger(baseSeq) || baseSeq < 1) return fail("bad_encoding", `a delta needs ${WIRE_HEADERS.base}: the keyframe's stream sequence`);
        const p = readDelta(m.data, this.#max);
        const fits = (k: Keyframe | null): k is Keyframe => k !== null && this.#fits(m, k, p);
        const kept = this.#kept(m, baseSeq, p);
        if (fits(kept)) return this.#expand(m, kept, p);
        const noted = this.#noted(m, p);
        if (noted) return this.#expand(m, noted, p);
        return this.#fromStore(m, baseSeq, p).then(async (stored) => {
          if (fits(stored)) return this.#expand(m, stored, p);
          const k = await this.#readBack(baseSeq);
          return fits(k) ? this.#expand(m, k, p) : fail("base_missing", `keyframe seq ${p.b} (stream sequence ${baseSeq}) is gone; waiting for the next keyframe`);
        });
      }
      return fail("bad_encoding", `unknown ${WIRE_HEADERS.encoding}: ${encoding.slice(0, 40)}`);
    } catch (e) {
      return fail("bad_encoding", (e as Error).message);
    }
  }

  /**
   * Writes the marked keyframes decoded since the last call (call inside the transaction
   * of the batch they came in, before it is acknowledged). Should the write fail, the
   * transaction rolls back and the batch is redelivered: decoded again, its keyframes are
   * noted again.
   */
  async storeKeyframes(): Promise<void> {
    const list = this.#unsaved;
    this.#unsaved = [];
    for (const k of list) await this.#store!.put(k);
  }

  /** True when `storeKeyframes` has keyframes to write. */
  get hasUnsavedKeyframes(): boolean {
    return this.#unsaved.length > 0;
  }

  #keep(streamSeq: number, k: Keyframe): void {
    const v = k.value as { boot?: unknown; seq?: unknown };
    const name = nameOf(k.subject, v.boot, v.seq);
    this.#keyframes.delete(name);
    this.#keyframes.set(name, { ...k, streamSeq, name });
    this.#names.set(streamSeq, name);
    if (this.#keyframes.size > this.#limit) {
      const oldest = this.#keyframes.values().next().value!;
      this.#keyframes.delete(oldest.name);
      if (this.#names.get(oldest.streamSeq) === oldest.name) this.#names.delete(oldest.streamSeq);
    }
  }

  /**
   * The delta's keyframe in memory: by the name the delta gives (node, boot, seq), found
   * here and on a hub alike; a delta that names no boot, by the stream sequence in `Mf-Base`.
   */
  #kept(m: WireMessage, baseSeq: number, p: DeltaPayload): Keyframe | null {
    const name = p.k !== undefined ? nameOf(m.subject, p.k, p.b) : this.#names.get(baseSeq);
    return name === undefined ? null : (this.#keyframes.get(name) ?? null);
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

  /**
   * The delta's keyframe among those noted and not written yet: it came earlier in the same
   * batch, so the store has it only once the batch commits. Found by node, boot and seq (a
   * hub's copy of a site's message has another stream sequence than the delta names).
   */
  #noted(m: WireMessage, p: DeltaPayload): Keyframe | null {
    const node = parseSubject(m.subject)?.node;
    const k = this.#unsaved.find((u) => u.subject === m.subject && u.nodeId === node && u.seq === p.b && (p.k === undefined || u.boot === p.k));
    return k ? this.#parse(k) : null;
  }

  /** The delta's keyframe from the store: by stream sequence here, else by node, boot and seq (a hub's copy of a site's message). */
  async #fromStore(m: WireMessage, baseSeq: number, p: DeltaPayload): Promise<Keyframe | null> {
    if (!this.#store) return null;
    const node = parseSubject(m.subject)?.node;
    const here = this.#parse(await this.#store.byStreamSeq(baseSeq, m.subject));
    if (here && this.#fits(m, here, p)) return here;
    return node !== undefined && p.k !== undefined ? this.#parse(await this.#store.bySnapshot(node, p.k, p.b)) : null;
  }

  #parse(row: KeptKeyframe | null): Keyframe | null {
    if (!row) return null;
    try {
      return { subject: row.subject, value: JSON.parse(inflateText(row.data, this.#max)) as Json };
    } catch {
      return null;
    }
  }

  /** A keyframe is this delta's base: same subject, the seq (and boot, when named) the delta names. */
  #fits(m: WireMessage, k: Keyframe, p: DeltaPayload): boolean {
    const base = k.value as { seq?: unknown; boot?: unknown };
    return k.subject === m.subject && base.seq === p.b && (p.k === undefined || base.boot === p.k);
  }

  #expand(m: WireMessage, k: Keyframe, p: DeltaPayload): Decoded {
    try {
      const base = k.value as { node?: unknown; boot?: unknown; seq?: unknown };
      const value = expandDelta(k.value, p) as { node?: unknown; boot?: unknown } | null;
      if (value?.node !== base.node || value?.boot !== base.boot) return fail("bad_encoding", "a delta and its keyframe must be of the same node and boot");
      return decodeValue(m.subject, value);
    } catch (e) {
      if (e instanceof WireEncodingError) return fail("bad_encoding", e.message);
      throw e;
    }
  }
}
