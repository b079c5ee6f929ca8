import { parseTree, printParseErrorCode, type Node, type ParseError as JsoncError } from "jsonc-parser";
import { notFormat, parsed, type ParseOutcome } from "../types";

/**
 * JSON that keeps every duplicate object key. ubus (blobmsg) happily prints the same
 * key twice (`"noscan": "1", "noscan": true` in `network.wireless status`, babeld's
 * `get_neighbours` on some versions); `JSON.parse` silently keeps only the last one.
 *
 * Representation (the choice, documented): an object is a `JsonObject`, an ORDERED
 * list of `[key, value]` pairs exactly as printed, duplicates included. Arrays are plain
 * arrays, scalars plain values. This is lossless and never confuses a duplicated key
 * with a real array value (`"network": ["lan"]`). Read it with `jsonGet` (last value,
 * what `JSON.parse` would give), `jsonGetAll` (every value) or `toPlainJson`.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  readonly kind: "object";
  readonly entries: [string, JsonValue][];
}

/** Nesting deeper than this is refused before parsing (the tree reader recurses). */
export const MAX_JSON_DEPTH = 256;
/**
 * Above this size the native JSON.parse checks validity first: the tree reader recovers
 * from errors and would crawl through a long broken line token by token.
 */
const FAST_CHECK_OVER = 64 * 1024;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === "object" && Array.isArray((v as { entries?: unknown }).entries);
}

/** The last value of `key` (what `JSON.parse` keeps), or undefined. */
export function jsonGet(v: JsonValue | undefined, key: string): JsonValue | undefined {
  if (!isJsonObject(v)) return undefined;
  for (let i = v.entries.length - 1; i >= 0; i--) {
    const e = v.entries[i] as [string, JsonValue];
    if (e[0] === key) return e[1];
  }
  return undefined;
}

/** Every value of `key`, in printed order. */
export function jsonGetAll(v: JsonValue | undefined, key: string): JsonValue[] {
  if (!isJsonObject(v)) return [];
  return v.entries.filter((e) => e[0] === key).map((e) => e[1]);
}

/**
 * A plain JS value. Duplicate keys: "last" keeps the last value (like `JSON.parse`),
 * "first" the first one. Keys such as `__proto__` become ordinary own properties.
 */
export function toPlainJson(v: JsonValue, keep: "last" | "first" = "last"): unknown {
  if (Array.isArray(v)) return v.map((x) => toPlainJson(x, keep));
  if (isJsonObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v.entries) {
      if (keep === "first" && Object.prototype.hasOwnProperty.call(out, k)) continue;
      Object.defineProperty(out, k, { value: toPlainJson(val, keep), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Deepest bracket nesting outside strings, stopping early once over the limit. */
function nestingDepth(text: string, limit: number): { depth: number; offset: number } {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped char
      else if (c === 34 || c === 10 || c === 13) inString = false; // the reader ends broken strings at a line break too
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > limit) return { depth, offset: i };
    } else if (c === 125 || c === 93) depth--;
  }
  return { depth: 0, offset: -1 };
}

function toValue(node: Node): JsonValue {
  switch (node.type) {
    case "object": {
      const entries: [string, JsonValue][] = [];
      for (const prop of node.children ?? []) {
        const [k, val] = prop.children ?? [];
        if (k && val && typeof k.value === "string") entries.push([k.value, toValue(val)]);
      }
      return { kind: "object", entries };
    }
    case "array":
      return (node.children ?? []).map(toValue);
    case "string":
      return String(node.value);
    case "number":
      return Number(node.value);
    case "boolean":
      return node.value === true;
    default:
      return null;
  }
}

/**
 * Strict JSON (no comments, no trailing commas, one value, nothing after it) with
 * duplicate keys kept. Anything else is E_PARSE_FORMAT with the line of the first
 * problem. Never throws.
 */
export function parseJsonKeepDuplicates(text: string): ParseOutcome<JsonValue> {
  const deep = nestingDepth(text, MAX_JSON_DEPTH);
  if (deep.offset >= 0) return notFormat(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, lineOf(text, deep.offset));
  if (text.length > FAST_CHECK_OVER) {
    try {
      JSON.parse(text);
    } catch (err) {
      // V8's message quotes the input: only its position is used.
      const m = /position (\d+)/.exec(err instanceof Error ? err.message : "");
      return notFormat("not JSON", m ? lineOf(text, Number(m[1])) : null);
    }
  }
  const errors: JsoncError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    return notFormat("not JSON");
  }
  const first = errors[0];
  if (first) return notFormat(`not JSON: ${printParseErrorCode(first.error)}`, lineOf(text, first.offset));
  if (!root) return notFormat("not JSON: empty input", 1);
  try {
    return parsed(toValue(root));
  } catch {
    return notFormat("not JSON: too deeply nested");
  }
}
