/**
 * Small pure helpers shared by the `iw` parsers: bounded lines, strict number
 * parsing (never NaN/Infinity, integers only when safe), MAC/text normalisation and
 * the (code-unit, stable) sort every parser uses.
 */

/** Real `iw` lines are short; longer ones are garbage and are skipped unread. */
export const MAX_LINE = 4096;
/** Limits of the shared schema (`macText`, `shortText`). */
const MAX_MAC = 64;
const MAX_TEXT = 256;

/** Lines without their `\r`, accepting `\n`, `\r\n` and a missing final newline. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (!text.includes("\r")) return lines;
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

const BLANKS = /[ \t]+/;
const BLANK_RUNS = /[ \t]+/g;
const INT = /^-?\d{1,16}$/;
const COUNTER = /^\d{1,20}$/;
const DECIMAL = /^-?\d{1,20}(?:\.\d{1,12})?$/;
const HEX = /^0x[0-9a-f]{1,12}$/i;

/** Whitespace-separated tokens (tabs and spaces mixed). */
export function tokens(s: string): string[] {
  const t = s.trim();
  return t === "" ? [] : t.split(BLANKS);
}

/** Collapses runs of blanks to one space (keys survive tab/space mangling). */
export function squash(s: string): string {
  return s.trim().replace(BLANK_RUNS, " ");
}

/** A non-negative or negative decimal integer that is safe, else null. */
export function int(s: string | undefined): number | null {
  if (s === undefined || !INT.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** An unsigned counter (u32/u64 as iw prints it); u64 beyond 2^53 keeps its magnitude. */
export function counter(s: string | undefined): number | null {
  if (s === undefined || !COUNTER.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A decimal such as `65.0`, `-52`, `20.00`, else null. */
export function decimal(s: string | undefined): number | null {
  if (s === undefined || !DECIMAL.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** `0x15` (hex, as iw prints mpath flags) or `21` (decimal), else null. */
export function hexOrInt(s: string | undefined): number | null {
  if (s === undefined) return null;
  if (HEX.test(s)) return Number.parseInt(s.slice(2), 16);
  return int(s);
}

/** A MAC as printed, lower-cased; masked (`xx`, `**`) or malformed ones are kept as text. */
export function macText(s: string): string {
  return s.toLowerCase().slice(0, MAX_MAC);
}

const MAC = /^[0-9a-fx*]{1,2}(?::[0-9a-fx*]{1,2}){5}$/i;

/** Six 1–2 character groups separated by `:` (hex, or masked with `x`/`*`). */
export function looksLikeMac(s: string): boolean {
  return MAC.test(s);
}

/** Free text bounded to the schema's short text. */
export function shortText(s: string): string {
  return s.slice(0, MAX_TEXT);
}

/** Code-unit order (the collectors compare the same way), never locale-dependent. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stable sort by a list of string keys, returning a new array (Node 18: no toSorted). */
export function sortBy<T>(items: readonly T[], ...keys: ((x: T) => string)[]): T[] {
  return items.slice().sort((x, y) => {
    for (const k of keys) {
      const c = cmp(k(x), k(y));
      if (c !== 0) return c;
    }
    return 0;
  });
}
