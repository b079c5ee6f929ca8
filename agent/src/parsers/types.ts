import { ParseError, ERROR_CODES } from "@meshfleet/shared";

/**
 * What every parser returns. Parsers are pure (no I/O, no clock, no env) and never
 * throw: unknown lines are skipped and counted; input that is not the format at all
 * is a typed error with the line where that became clear.
 */
export type ParseOutcome<T> = { ok: true; value: T; skipped: number } | { ok: false; error: ParseError };

export function parsed<T>(value: T, skipped = 0): ParseOutcome<T> {
  return { ok: true, value, skipped };
}

/** The input is not this format. */
export function notFormat<T>(message: string, line: number | null = null): ParseOutcome<T> {
  return { ok: false, error: new ParseError(ERROR_CODES.parseFormat, message, line) };
}

/** The input is this format but a value in it is invalid. */
export function invalid<T>(message: string, line: number | null = null): ParseOutcome<T> {
  return { ok: false, error: new ParseError(ERROR_CODES.parseInvalid, message, line) };
}

/** Splits text into lines, accepting \n, \r\n and a missing final newline. */
export function lines(text: string): string[] {
  return text.includes("\r") ? text.split(/\r?\n/) : text.split("\n");
}
