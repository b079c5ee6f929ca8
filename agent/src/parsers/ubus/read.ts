import { isJsonObject, jsonGet, parseJsonKeepDuplicates, toPlainJson, type JsonObject, type JsonValue } from "./json";
import { notFormat, type ParseOutcome } from "../types";

export const MAX_TEXT = 256;
export const clip = (s: string): string => (s.length <= MAX_TEXT ? s : s.slice(0, MAX_TEXT));

/** The top-level JSON object of a ubus reply, or a typed error. */
export function readObject(text: string, what: string): { ok: true; root: JsonObject } | { ok: false; outcome: ParseOutcome<never> } {
  const r = parseJsonKeepDuplicates(text);
  if (!r.ok) return { ok: false, outcome: r };
  if (!isJsonObject(r.value)) return { ok: false, outcome: notFormat(`not ${what}: the JSON is not an object`, 1) };
  return { ok: true, root: r.value };
}

/** A short string; numbers become their decimal text (vendor forks print versions as numbers). */
export function text(v: JsonValue | undefined): string | null {
  if (typeof v === "string") return clip(v);
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

/** UCI-style booleans: true/false, 1/0, "1"/"0", "true"/"false", "yes"/"no", "on"/"off". */
export function bool(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (v === 1 || v === "1" || v === "true" || v === "yes" || v === "on" || v === "enabled") return true;
  if (v === 0 || v === "0" || v === "false" || v === "no" || v === "off" || v === "disabled") return false;
  return null;
}

export function num(v: JsonValue | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** An object's entries as a plain record (duplicate keys: the last value, like JSON.parse). */
export function plainRecord(v: JsonValue | undefined): Record<string, unknown> {
  const p = v === undefined ? null : toPlainJson(v);
  return typeof p === "object" && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

export { isJsonObject, jsonGet };
