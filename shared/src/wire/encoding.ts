import { deflateSync, inflateSync } from "node:zlib";
import { applyDelta, DeltaError, jsonDelta, type Delta, type Json } from "./delta";

/**
 * How a telemetry snapshot travels (protocol version 2). Without the `Mf-Enc` header a
 * message is plain JSON (every version-1 agent). With it:
 * - `deflate`: the snapshot's JSON, zlib-deflated. A *keyframe*: later deltas of the same
 *   boot may name it as their base.
 * - `delta-deflate`: zlib-deflated JSON `{"b": baseSeq, "k": baseBoot, "d": delta}`, where
 *   delta (see `delta.ts`) turns the keyframe with seq `b` of boot `k` (same node) into this
 *   snapshot. `Mf-Base` holds the keyframe's stream sequence. A controller keeps the last
 *   keyframes of each node in its store, so a delta decodes after a restart, and on a hub
 *   whose copy of a site's keyframe has another stream sequence (found by node, boot, seq).
 * A delta names a keyframe the broker acknowledged, never another delta, so redelivered or
 * reordered deltas decode alone. Hellos and job statuses stay plain JSON.
 */
/** `Mf-Key: 1` marks a keyframe that deltas will name (delta mode), which a controller keeps. */
export const WIRE_HEADERS = { encoding: "Mf-Enc", base: "Mf-Base", keyframe: "Mf-Key" } as const;
export const WIRE_ENCODINGS = { deflate: "deflate", deltaDeflate: "delta-deflate" } as const;
export type WireEncoding = (typeof WIRE_ENCODINGS)[keyof typeof WIRE_ENCODINGS];

/** What an agent may be told to send: plain JSON (version 1), keyframes only, or keyframes and deltas. */
export const WIRE_MODES = ["json", "deflate", "delta"] as const;
export type WireMode = (typeof WIRE_MODES)[number];

/** Thrown when an encoded message cannot be read (not deflate, too large, not a delta). */
export class WireEncodingError extends Error {
  override readonly name = "WireEncodingError";
}

const utf8 = new TextDecoder();
const enc = new TextEncoder();

export function deflateJson(text: string | Uint8Array): Uint8Array {
  return deflateSync(typeof text === "string" ? enc.encode(text) : text, { level: 6 });
}

/** Inflates at most `maxBytes` (a small message must not expand into gigabytes). */
export function inflateText(data: Uint8Array, maxBytes: number): string {
  try {
    return utf8.decode(inflateSync(data, { maxOutputLength: maxBytes }));
  } catch (e) {
    throw new WireEncodingError(`cannot inflate: ${(e as Error).message}`);
  }
}

export interface DeltaPayload {
  /** The keyframe's seq (same node and boot). */
  b: number;
  /** The keyframe's boot: with `b`, names it wherever it is stored (a hub re-sequences a site's messages). */
  k?: string;
  d: Delta | null;
}

export function encodeDelta(base: Json, baseSeq: number, next: Json, baseBoot?: string): Uint8Array {
  const payload: DeltaPayload = { b: baseSeq, ...(baseBoot !== undefined ? { k: baseBoot } : {}), d: jsonDelta(base, next) ?? null };
  return deflateJson(JSON.stringify(payload));
}

/** Reads a `delta-deflate` payload (without applying it: the base is looked up by `b`). */
export function readDelta(data: Uint8Array, maxBytes: number): DeltaPayload {
  const text = inflateText(data, maxBytes);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WireEncodingError(`delta is not JSON: ${(e as Error).message}`);
  }
  const p = v as Partial<DeltaPayload> | null;
  if (typeof p !== "object" || p === null || !Number.isSafeInteger(p.b) || (p.b ?? 0) < 1 || !("d" in p)) {
    throw new WireEncodingError("a delta payload is {b: base seq, d: delta}");
  }
  if (p.k !== undefined && (typeof p.k !== "string" || p.k.length === 0 || p.k.length > 128)) throw new WireEncodingError("a delta's keyframe boot (k) is a short string");
  return { b: p.b!, ...(p.k !== undefined ? { k: p.k } : {}), d: p.d ?? null };
}

/** The snapshot value a delta stands for (throws WireEncodingError when it does not fit the base). */
export function expandDelta(base: Json, p: DeltaPayload): Json {
  try {
    return applyDelta(base, p.d ?? undefined);
  } catch (e) {
    throw new WireEncodingError(`delta does not fit its base: ${e instanceof DeltaError ? e.message : String(e)}`);
  }
}
