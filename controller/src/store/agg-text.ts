import type { Agg } from "./rollup-fold";

/** Index of the quote that closes the JSON string opening at `start`. */
function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34 /* " */) return i;
  }
  return -1;
}

/**
 * The series whose id starts with `prefix`, read from the JSON text of an AggMap without
 * parsing the rest of it (a node's row holds ~160 series; a history query wants one).
 * Keys are found where an object member starts (after `{` or `,`), so a prefix inside
 * another key never matches.
 */
export function seriesIn(text: string, prefix: string): [string, Agg][] {
  const needle = JSON.stringify(prefix).slice(0, -1);
  const out: [string, Agg][] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) {
    const before = text.charCodeAt(i - 1);
    if (before !== 123 /* { */ && before !== 44 /* , */) continue;
    const keyEnd = closingQuote(text, i);
    const valueEnd = text.indexOf("]", keyEnd);
    if (keyEnd === -1 || valueEnd === -1 || text[keyEnd + 1] !== ":") throw new Error("a rollup row is not an AggMap's JSON");
    out.push([JSON.parse(text.slice(i, keyEnd + 1)) as string, JSON.parse(text.slice(keyEnd + 2, valueEnd + 1)) as Agg]);
    i = valueEnd;
  }
  return out;
}
