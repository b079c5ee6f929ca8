import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ERROR_CODES, MeshfleetError, ValidationError, errorCode } from "@meshfleet/shared";
import type { Logger } from "../log";

const STATUS: Record<string, ContentfulStatusCode> = {
  [ERROR_CODES.validation]: 400,
  [ERROR_CODES.unauthorized]: 401,
  [ERROR_CODES.forbidden]: 403,
  [ERROR_CODES.notFound]: 404,
  [ERROR_CODES.conflict]: 409,
  [ERROR_CODES.tooLarge]: 413,
  [ERROR_CODES.storage]: 503,
  [ERROR_CODES.brokerReload]: 502,
  [ERROR_CODES.unavailable]: 503,
};

export function statusOf(code: string): ContentfulStatusCode {
  return STATUS[code] ?? 500;
}

export function notFound(what: string): MeshfleetError {
  return new MeshfleetError(ERROR_CODES.notFound, `${what} not found`);
}

/** Every error leaves as JSON `{code, message}` with its status; never a stack, never an unknown error's text. */
export function errorHandler(log: Logger) {
  return (thrown: Error, c: Context) => {
    const err = requestError(thrown);
    const code = errorCode(err);
    const status = statusOf(code);
    if (status >= 500) log.error({ code, error: err.message }, "API request failed");
    // An unavailable part says which (it names no secret); other 5xx hide their text.
    const message = err instanceof MeshfleetError && (status < 500 || code === ERROR_CODES.unavailable) ? err.message : status === 503 ? "storage unavailable" : "internal error";
    return c.json({ code: status === 500 ? ERROR_CODES.internal : code, message }, status);
  };
}

/**
 * The request validator's own refusal (hono's HTTPException 400: a JSON body that does not
 * parse) as the project's ValidationError (400, E_VALIDATION).
 */
function requestError(err: Error): Error {
  if (!(err instanceof HTTPException) || err.status !== 400) return err;
  return new ValidationError("the request body is not JSON", [{ path: "(root)", message: "expected a JSON object" }]);
}

/** The request body as JSON; a body that is not JSON is a ValidationError (400). */
export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ValidationError("the request body is not JSON", [{ path: "(root)", message: "expected a JSON object" }]);
  }
}
