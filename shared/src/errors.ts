/**
 * Named errors with stable codes. Across packages and on the wire compare `code`,
 * never `instanceof`; send `{code, message}`, never a stack.
 */
export const ERROR_CODES = {
  /** Input is not the format the parser handles. */
  parseFormat: "E_PARSE_FORMAT",
  /** Input is the right format but a value is invalid. */
  parseInvalid: "E_PARSE_INVALID",
  subjectToken: "E_SUBJECT_TOKEN",
  validation: "E_VALIDATION",
  config: "E_CONFIG",
  commandFailed: "E_COMMAND_FAILED",
  commandTimeout: "E_COMMAND_TIMEOUT",
  commandNotFound: "E_COMMAND_NOT_FOUND",
  collectorFailed: "E_COLLECTOR_FAILED",
  notFound: "E_NOT_FOUND",
  conflict: "E_CONFLICT",
  unauthorized: "E_UNAUTHORIZED",
  forbidden: "E_FORBIDDEN",
  tooLarge: "E_TOO_LARGE",
  storage: "E_STORAGE",
  uci: "E_UCI",
  job: "E_JOB",
  /** The agent refused a job: an op outside its template's scope, or an unknown template. Nothing was changed. */
  jobRefused: "E_JOB_REFUSED",
  /** The broker's configuration was written but nats-server could not be told to reload it. */
  brokerReload: "E_BROKER_RELOAD",
  /** A part the request needs is not there yet (the broker is not connected): try again later. */
  unavailable: "E_UNAVAILABLE",
  internal: "E_INTERNAL",
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface WireError {
  code: string;
  message: string;
}

export class MeshfleetError extends Error {
  readonly code: ErrorCode;
  /** Extra fields that are safe to show (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

export class ParseError extends MeshfleetError {
  /** 1-based line number where the problem was seen, when known. */
  readonly line: number | null;
  constructor(code: typeof ERROR_CODES.parseFormat | typeof ERROR_CODES.parseInvalid, message: string, line: number | null = null) {
    super(code, message, { details: { line } });
    this.line = line;
  }
}

export class SubjectTokenError extends MeshfleetError {
  constructor(message: string) {
    super(ERROR_CODES.subjectToken, message);
  }
}

export class ValidationError extends MeshfleetError {
  /** Every problem found, each naming its path. */
  readonly issues: { path: string; message: string }[];
  constructor(message: string, issues: { path: string; message: string }[] = []) {
    super(ERROR_CODES.validation, message, { details: { issues } });
    this.issues = issues;
  }
}

export class ConfigError extends MeshfleetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ERROR_CODES.config, message, options);
  }
}

export class CommandError extends MeshfleetError {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(
    code: typeof ERROR_CODES.commandFailed | typeof ERROR_CODES.commandTimeout | typeof ERROR_CODES.commandNotFound,
    message: string,
    info: { argv: readonly string[]; exitCode: number | null; stderr: string; cause?: unknown },
  ) {
    super(code, message, { cause: info.cause, details: { argv: info.argv, exitCode: info.exitCode } });
    this.argv = info.argv;
    this.exitCode = info.exitCode;
    this.stderr = info.stderr;
  }
}

/** Reads a stable code from anything thrown, for code that must not rely on instanceof. */
export function errorCode(err: unknown): string {
  if (typeof err === "object" && err !== null && "code" in err && typeof (err as { code: unknown }).code === "string") {
    return (err as { code: string }).code;
  }
  return ERROR_CODES.internal;
}

/** A wire-safe view of any error: code and message, no stack. */
export function toWireError(err: unknown): WireError {
  if (err instanceof MeshfleetError) return err.toWire();
  const message = err instanceof Error ? err.message : String(err);
  return { code: errorCode(err), message };
}
