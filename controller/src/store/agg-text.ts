import type { Agg } from "./rollup-fold";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const COMMA = 0x2c;
const COLON = 0x3a;
const CLOSE_BRACKET = 0x5d;

/** Index of the quote that closes the JSON string opening at `start`. */
function closingQuote(text: Uint8Array, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/**
 * A reader of the series whose id starts with `prefix` in the JSON text (UTF-8 bytes) of an
 * AggMap, which parses the matching members and not the rest (a node's row holds ~160
 * series; a history query wants one). It works on the bytes, not on a decoded string: a
 * query reads thousands of rows, and decoding all their text cost more than inflating it.
 * Keys are found where an object member starts (after `{` or `,`), so a prefix inside
 * another key never matches; no byte of a multi-byte UTF-8 character is a quote or a
 * backslash, so the scan never stops inside one.
 */
export function seriesIn(prefix: string): (text: Uint8Array) => [string, Agg][] {
  const needle = Buffer.from(JSON.stringify(prefix).slice(0, -1));
  return (text) => {
    const bytes = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    const out: [string, Agg][] = [];
    for (let i = bytes.indexOf(needle); i !== -1; i = bytes.indexOf(needle, i + 1)) {
      const before = bytes[i - 1];
      if (before !== OPEN_BRACE && before !== COMMA) continue;
      const keyEnd = closingQuote(bytes, i);
      const valueEnd = bytes.indexOf(CLOSE_BRACKET, keyEnd);
      if (keyEnd === -1 || valueEnd === -1 || bytes[keyEnd + 1] !== COLON) throw new Error("a rollup row is not an AggMap's JSON");
      out.push([JSON.parse(bytes.toString("utf8", i, keyEnd + 1)) as string, JSON.parse(bytes.toString("latin1", keyEnd + 2, valueEnd + 1)) as Agg]);
      i = valueEnd;
    }
    return out;
  };
}
