import type { Env, ValidationTargets } from "hono";
import { resolver, validator } from "hono-openapi";
import { z } from "zod";
import { ValidationError } from "@meshfleet/shared";

/** The body of every error answer: a stable code and a message (never a stack). */
export const errorBody = z.object({ code: z.string().describe("stable error code (E_VALIDATION, E_NOT_FOUND, ...)"), message: z.string() });

const PART: Record<string, string> = { query: "query parameters", param: "path parameters", json: "body", header: "headers", cookie: "cookies", form: "form" };

/** A validator issue as the project names it: `{path: "a.b", message}`. */
function issueOf(i: { readonly message: string; readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined }): { path: string; message: string } {
  const path = (i.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
  return { path: path || "(root)", message: i.message };
}

/**
 * Validates one part of the request with a zod schema and puts it in the OpenAPI
 * document (`c.req.valid(target)` in the handler). A part that does not match is a
 * ValidationError (400, `{code: E_VALIDATION, message}` naming every field) thrown to the
 * app's error handler, never the validator library's own answer.
 */
export function valid<S extends Parameters<typeof resolver>[0], T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator<S, T, Env, string>(target, schema, (result) => {
    if (result.success) return;
    const issues = result.error.map(issueOf);
    throw new ValidationError(`invalid ${PART[target] ?? target}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`.slice(0, 1000), issues);
  });
}

/** A JSON answer of a route, its schema the zod schema of what the handler returns. */
export function json(description: string, schema: z.ZodType) {
  return { description, content: { "application/json": { schema: resolver(schema, { options: { io: "output", unrepresentable: "any" } }) } } };
}

/** An error answer (`{code, message}`). */
export function error(description: string) {
  return json(description, errorBody);
}

/** A non-JSON answer (text, an event stream). */
export function text(description: string, type: string) {
  return { description, content: { [type]: { schema: { type: "string" as const } } } };
}

/**
 * A JSON request body for the document only, for a route whose handler validates the body
 * itself (the job service lists every problem with the templates' own checks; diagnostics
 * audit every refusal before answering it). The schema is the one the handler validates with.
 */
export function documentedBody(schema: Parameters<typeof resolver>[0]) {
  return { required: true, content: { "application/json": { schema: resolver(schema, { options: { io: "input", unrepresentable: "any" } }) } } };
}

/** A path parameter for the document only (with `documentedBody`), its schema the one the handler checks it with. */
export function pathParam(name: string, schema: z.core.$ZodType) {
  return { in: "path" as const, name, required: true, schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown> };
}
