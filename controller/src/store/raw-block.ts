import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { PackedSnapshot } from "./pack";

/**
 * A block: the raw rows of one node in one closed time window, compressed together
 * (`raw_blocks.data`). Consecutive snapshots of a node differ in a few numbers, so each row
 * is stored as its difference from the previous row, position by position (an integer as
 * `cur - prev`, a string equal to the previous one as `0`, everything else as is) and the
 * whole window is deflated: unchanged values and repeated MACs, prefixes and counter keys
 * cost almost nothing. Lossless: a decoded row is identical to
 * the row as it was stored in `raw_snapshots`.
 */
export const BLOCK_FORMAT = 1;

/** Width of a block's window; windows are aligned to it (start = floor(ts / BLOCK_MS) * BLOCK_MS). */
export const BLOCK_MS = 30 * 60_000;

export interface BlockRow {
  id: number;
  boot: string;
  seq: number;
  ts: number;
  receivedAt: number;
  data: PackedSnapshot;
}

/** [id, boot, seq, ts, receivedAt, data], each relative to the previous row. */
type EncodedRow = [unknown, string, unknown, unknown, unknown, unknown];

/** Marks a value that is not a difference, where the previous value was an integer or a string. */
type Literal = { "=": unknown };

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `cur` relative to `prev`, recursively through arrays and objects, position by position. */
export function diffValue(prev: unknown, cur: unknown): unknown {
  if (isInt(prev)) {
    if (isInt(cur) && isInt(cur - prev)) return cur - prev;
    return { "=": cur } satisfies Literal;
  }
  if (typeof prev === "string") return cur === prev ? 0 : ({ "=": cur } satisfies Literal);
  if (Array.isArray(cur)) return cur.map((v, i) => diffValue(Array.isArray(prev) ? prev[i] : undefined, v));
  if (isObject(cur)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(cur)) out[k] = diffValue(isObject(prev) ? prev[k] : undefined, v);
    return out;
  }
  return cur;
}

/**
 * The inverse of `diffValue`: `applyDiff(prev, diffValue(prev, cur))` equals `cur`. Fills
 * `d` in place (it is a freshly parsed block, read once), which keeps decoding cheap.
 */
export function applyDiff(prev: unknown, d: unknown): unknown {
  if (isInt(prev)) return typeof d === "number" ? prev + d : (d as Literal)["="];
  if (typeof prev === "string") return d === 0 ? prev : (d as Literal)["="];
  if (Array.isArray(d)) {
    const p = Array.isArray(prev) ? prev : undefined;
    for (let i = 0; i < d.length; i++) d[i] = applyDiff(p?.[i], d[i]);
    return d;
  }
  if (isObject(d)) {
    const p = isObject(prev) ? prev : undefined;
    for (const k of Object.keys(d)) d[k] = applyDiff(p?.[k], d[k]);
    return d;
  }
  return d;
}

/** Compresses rows (oldest first) into one block. */
export function encodeBlock(rows: readonly BlockRow[]): Buffer {
  let prev: BlockRow | undefined;
  const out: EncodedRow[] = [];
  for (const r of rows) {
    out.push([diffValue(prev?.id, r.id), r.boot, diffValue(prev?.seq, r.seq), diffValue(prev?.ts, r.ts), diffValue(prev?.receivedAt, r.receivedAt), diffValue(prev?.data, r.data)]);
    prev = r;
  }
  return deflateRawSync(JSON.stringify(out));
}

export function decodeBlock(data: Buffer): BlockRow[] {
  const rows = JSON.parse(inflateRawSync(data).toString("utf8")) as EncodedRow[];
  const out: BlockRow[] = [];
  let prev: BlockRow | undefined;
  for (const [id, boot, seq, ts, receivedAt, data] of rows) {
    const r: BlockRow = {
      id: applyDiff(prev?.id, id) as number,
      boot,
      seq: applyDiff(prev?.seq, seq) as number,
      ts: applyDiff(prev?.ts, ts) as number,
      receivedAt: applyDiff(prev?.receivedAt, receivedAt) as number,
      data: applyDiff(prev?.data, data) as PackedSnapshot,
    };
    out.push(r);
    prev = r;
  }
  return out;
}
