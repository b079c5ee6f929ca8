import { readFile, stat } from "node:fs/promises";
import type { Command } from "commander";
import { ERROR_CODES, toWireError } from "@meshfleet/shared";
import { FORMAT_NAMES, PARSE_FORMATS, detectFormat, isFormatName, stripCommentHeader, type FormatName } from "../parsers/index";
import { redactWirelessStatus } from "../parsers/ubus/index";
import type { ParseOutcome } from "../parsers/types";

/** Inputs larger than this are refused (exit 2) rather than read into memory. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface ParseIo {
  /** A format name from FORMAT_NAMES, or "auto". */
  format: string;
  /** A file to read; stdin when absent. */
  file?: string | undefined;
  stdin: AsyncIterable<string | Uint8Array>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

type Fail = { exit: 2; code: string; message: string };

async function readInput(io: ParseIo): Promise<string | Fail> {
  if (io.file !== undefined) {
    try {
      const st = await stat(io.file);
      if (!st.isFile()) return { exit: 2, code: ERROR_CODES.config, message: `not a regular file: ${io.file}` };
      if (st.size > MAX_INPUT_BYTES) return { exit: 2, code: ERROR_CODES.tooLarge, message: `file larger than ${MAX_INPUT_BYTES} bytes: ${io.file}` };
      return new TextDecoder().decode(await readFile(io.file));
    } catch (err) {
      const code = (err as { code?: unknown }).code === "ENOENT" ? ERROR_CODES.notFound : ERROR_CODES.config;
      return { exit: 2, code, message: `cannot read ${io.file}: ${(err as { code?: unknown }).code ?? "error"}` };
    }
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const enc = new TextEncoder();
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === "string" ? enc.encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > MAX_INPUT_BYTES) return { exit: 2, code: ERROR_CODES.tooLarge, message: `input larger than ${MAX_INPUT_BYTES} bytes` };
    chunks.push(bytes);
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

const line = (o: unknown): string => `${JSON.stringify(o)}\n`;

/**
 * `meshfleet-agent parse <format> [file]`: prints `{format, skipped, ...result}` as
 * pretty JSON and returns 0; returns 1 with `{code, message, line}` on stderr when the
 * input is not that format (or `auto` finds none); returns 2 with `{code, message}` for an
 * unknown format name or an unreadable input. A leading `# …` / `# ---` provenance header
 * is dropped first (error lines still count from the top of the file). Never throws.
 */
export async function runParse(io: ParseIo): Promise<number> {
  try {
    if (io.format !== "auto" && !isFormatName(io.format)) {
      io.stderr(line({ code: ERROR_CODES.config, message: `unknown format "${io.format.slice(0, 64)}"; use auto or one of: ${FORMAT_NAMES.join(", ")}` }));
      return 2;
    }
    const input = await readInput(io);
    if (typeof input !== "string") {
      io.stderr(line({ code: input.code, message: input.message }));
      return input.exit;
    }
    const { text, lines: headerLines } = stripCommentHeader(input);
    const format: FormatName | null = io.format === "auto" ? detectFormat(text) : (io.format as FormatName);
    if (format === null) {
      io.stderr(line({ code: ERROR_CODES.parseFormat, message: `could not detect the format; name one of: ${FORMAT_NAMES.join(", ")}`, line: null }));
      return 1;
    }
    const r: ParseOutcome<unknown> = PARSE_FORMATS[format](text);
    if (!r.ok) {
      io.stderr(line({ code: r.error.code, message: r.error.message, line: r.error.line === null ? null : r.error.line + headerLines, ...(io.format === "auto" ? { format } : {}) }));
      return 1;
    }
    // Wi-Fi keys never reach a terminal: the status is shown with secrets redacted.
    const value = format === "ubus-wireless" ? redactWirelessStatus(r.value as Parameters<typeof redactWirelessStatus>[0]) : r.value;
    const body = typeof value === "object" && value !== null && !Array.isArray(value) && !("format" in value) && !("skipped" in value) ? value : { result: value };
    io.stdout(`${JSON.stringify({ format, skipped: r.skipped, ...body }, null, 2)}\n`);
    return 0;
  } catch (err) {
    const w = toWireError(err);
    io.stderr(line({ code: w.code === ERROR_CODES.internal ? ERROR_CODES.internal : w.code, message: w.message, line: null }));
    return 1;
  }
}

/** Adds `parse <format> [file]` to the agent's command line. */
export function registerParseCommand(program: Command): void {
  program
    .command("parse")
    .description(`parse a saved command output and print the normalised JSON (formats: auto, ${FORMAT_NAMES.join(", ")})`)
    .argument("<format>", "format name, or auto to detect it")
    .argument("[file]", "file to read (default: stdin)")
    .action(async (format: string, file: string | undefined) => {
      process.exitCode = await runParse({
        format,
        file,
        stdin: process.stdin,
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    });
}
