import { safeParse, type core, type infer as Infer } from "zod/mini";
import { ValidationError } from "./errors";

/** Flattens zod issues into `{path, message}` pairs that name the field. */
export function zodIssues(error: core.$ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

/**
 * Validates unknown input against a schema (classic zod or `zod/mini`). Returns the typed
 * value, or a ValidationError listing every problem (never throws).
 */
export function decode<S extends core.$ZodType>(schema: S, input: unknown, what: string): { ok: true; value: Infer<S> } | { ok: false; error: ValidationError } {
  const r = safeParse(schema, input);
  if (r.success) return { ok: true, value: r.data };
  const issues = zodIssues(r.error);
  const first = issues[0];
  const msg = `invalid ${what}: ${issues.length} problem(s)${first ? `; first: ${first.path}: ${first.message}` : ""}`;
  return { ok: false, error: new ValidationError(msg, issues) };
}

/** Parses JSON bytes/text and validates them; bad JSON is a ValidationError too. */
export function decodeJson<S extends core.$ZodType>(schema: S, data: string | Uint8Array, what: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch (err) {
    return { ok: false as const, error: new ValidationError(`invalid ${what}: not JSON (${(err as Error).message})`) };
  }
  return decode(schema, parsed, what);
}
