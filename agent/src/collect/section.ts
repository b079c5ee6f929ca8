import { ERROR_CODES, errorCode, type CollectorError } from "@meshfleet/shared";
import type { ParseOutcome } from "../parsers/types";
import type { CollectContext, SectionResult } from "./types";

const MAX_ERRORS = 100;

/** The command line as an error names it. */
function commandText(argv: readonly string[]): string {
  return argv.join(" ").slice(0, 512);
}

/**
 * Collects one section: runs commands through the context's runner (with the per-command
 * timeout and the collector's name, for per-collector overrides), parses, and keeps
 * every problem as a coded error instead of throwing.
 */
export class SectionRun {
  readonly errors: CollectorError[] = [];
  skipped = 0;
  readonly #started = performance.now();

  constructor(
    readonly ctx: CollectContext,
    readonly collector: string,
  ) {}

  error(code: string, message: string, argv?: readonly string[]): void {
    if (this.errors.length >= MAX_ERRORS) return;
    this.errors.push({ code, message: message.slice(0, 2000), ...(argv ? { command: argv.join(" ").slice(0, 512) } : {}) });
  }

  /** Runs argv without recording anything: stdout, or the coded reason it failed. */
  async attempt(argv: readonly string[], opts: { stdin?: string } = {}): Promise<{ text: string } | { error: CollectorError }> {
    try {
      const res = await this.ctx.runner.run(argv, {
        timeoutMs: this.ctx.timeoutMs,
        collector: this.collector,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      });
      if (res.exitCode === 0) return { text: res.stdout };
      const why = res.stderr.trim().split("\n", 1)[0] || res.stdout.trim().split("\n", 1)[0] || "";
      return { error: { code: ERROR_CODES.commandFailed, message: `exit ${res.exitCode}${why ? `: ${why}` : ""}`.slice(0, 2000), command: commandText(argv) } };
    } catch (e) {
      return { error: { code: errorCode(e), message: (e instanceof Error ? e.message : String(e)).slice(0, 2000), command: commandText(argv) } };
    }
  }

  /**
   * Runs argv; returns stdout, or null after recording why not (runner rejection with
   * its code, or a non-zero exit as E_COMMAND_FAILED with the first stderr line).
   */
  async text(argv: readonly string[], opts: { stdin?: string; quiet?: boolean } = {}): Promise<string | null> {
    const r = await this.attempt(argv, opts.stdin !== undefined ? { stdin: opts.stdin } : {});
    if ("text" in r) return r.text;
    if (!opts.quiet) this.record(r.error);
    return null;
  }

  record(e: CollectorError): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(e);
  }

  /** Unwraps a parser outcome; a parse error is recorded with its code and line. */
  parsed<T>(outcome: ParseOutcome<T>, argv: readonly string[]): T | null {
    if (outcome.ok) {
      this.skipped += outcome.skipped;
      return outcome.value;
    }
    const line = outcome.error.line !== null ? ` (line ${outcome.error.line})` : "";
    this.error(outcome.error.code, `${outcome.error.message}${line}`, argv);
    return null;
  }

  /** Runs and parses in one step. */
  async run<T>(argv: readonly string[], parse: (text: string) => ParseOutcome<T>): Promise<T | null> {
    const text = await this.text(argv);
    return text === null ? null : this.parsed(parse(text), argv);
  }

  done<T>(data: NoInfer<T> | null): SectionResult<T> {
    return { data, errors: this.errors, skipped: this.skipped, durationMs: Math.round((performance.now() - this.#started) * 100) / 100 };
  }
}

/** Runs a collector so that even a bug in it becomes a section error, never a lost snapshot. */
export async function guarded<T>(collector: string, fn: () => Promise<SectionResult<T>>): Promise<SectionResult<T>> {
  const started = performance.now();
  try {
    return await fn();
  } catch (e) {
    return {
      data: null,
      errors: [{ code: ERROR_CODES.collectorFailed, message: `${collector}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 2000) }],
      skipped: 0,
      durationMs: performance.now() - started,
    };
  }
}
