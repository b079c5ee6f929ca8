import { ParseError, ERROR_CODES } from "@meshfleet/shared";
import { lines } from "../types";

/** One line of a BIRD reply with the `birdc -v` code removed, and its 1-based line number. */
export interface ReplyLine {
  text: string;
  line: number;
}

export type Reply = { ok: true; lines: ReplyLine[]; empty: boolean } | { ok: false; error: ParseError };

/** BIRD never prints a line this long (CLI_MSG_SIZE is 500); longer lines are garbage. */
export const MAX_LINE = 1024;

const CODE = /^(\d{4})([ -])/;
const BANNER = /^BIRD [\w.+~-]+ ready\.\s*$/;

/** Replies that are errors: the command was refused or not understood. */
const ERROR =
  /^(?:Access restricted|Access denied|[Ss]yntax error|Unknown command|No such command|There are multiple \S+ protocols running|Unable to connect to server control socket|Command too long|Reply too long|Protocol is down => cannot dump|Server closed connection)/;

/** Replies that mean "nothing to show": a true, empty answer. */
const EMPTY = /^(?:No protocols match|There is no \S+ protocol running|Network not found)/;

/**
 * Normalises what `birdc` printed: strips `birdc -v` reply codes (`1022-`, `0001 `, the
 * five-space continuation), the `BIRD x.y ready.` banner and `#` comment lines, and turns
 * error replies (`Access restricted`, `syntax error, …`) into a typed error. `empty` is
 * true when BIRD answered that there is nothing to show (`No protocols match`,
 * `There is no RIP protocol running`, `Network not found`).
 */
export function readReply(text: string): Reply {
  const raw = lines(text);
  const first = raw.find((l) => l.trim() !== "" && !l.startsWith("#"));
  const verbose = first !== undefined && CODE.test(first);
  const out: ReplyLine[] = [];
  let empty = false;
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i] as string;
    let code: number | null = null;
    if (verbose) {
      const m = CODE.exec(t);
      if (m) {
        code = Number(m[1]);
        t = t.slice(5);
      } else if (t.startsWith("     ")) t = t.slice(5);
      else if (t.startsWith(" ")) t = t.slice(1);
    }
    if (t.startsWith("#") || BANNER.test(t)) continue;
    const body = t.trim();
    if (code !== null && code >= 8000 && !EMPTY.test(body)) {
      return { ok: false, error: new ParseError(ERROR_CODES.parseInvalid, `BIRD replied with error ${code}: ${body.slice(0, 200)}`, i + 1) };
    }
    if (ERROR.test(body)) {
      return { ok: false, error: new ParseError(ERROR_CODES.parseInvalid, `BIRD replied with an error: ${body.slice(0, 200)}`, i + 1) };
    }
    if (EMPTY.test(body)) {
      empty = true;
      continue;
    }
    out.push({ text: t, line: i + 1 });
  }
  return { ok: true, lines: out, empty };
}

/** Whitespace-separated tokens; BIRD aligns with spaces, scrapers turn them into tabs. */
export function tokens(text: string): string[] {
  const t = text.trim();
  return t === "" ? [] : t.split(/\s+/);
}

/** A `name:` line that opens one protocol instance's table, or `name: is not up`. */
export function protocolLine(text: string): { name: string; up: boolean } | null {
  const m = /^([A-Za-z_][\w.-]{0,255}):(\s+is not up)?\s*$/.exec(text);
  if (!m) return null;
  return { name: m[1] as string, up: m[2] === undefined };
}

const INT = /^\d{1,15}$/;
const NUM = /^-?\d{1,15}(\.\d{1,9})?$/;

/** Non-negative integer as BIRD prints `%u`; null when not one. */
export function int(s: string | undefined): number | null {
  return s !== undefined && INT.test(s) ? Number(s) : null;
}

/** Decimal number as BIRD prints `%t` (seconds with milliseconds) or `%u`. */
export function num(s: string | undefined): number | null {
  return s !== undefined && NUM.test(s) ? Number(s) : null;
}

/** A token fit for a short text field (the wire caps them at 256 characters). */
export function short(s: string | undefined): s is string {
  return s !== undefined && s.length > 0 && s.length <= 256;
}

const ADDRESS = /^[0-9a-fA-F:.]{1,64}$/;
const PREFIX = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

/** Loosely an IPv4/IPv6 address as BIRD prints `%I`: hex digits and at least one `:` or `.`. */
export function isAddress(s: string | undefined): s is string {
  return s !== undefined && ADDRESS.test(s) && /[:.]/.test(s) && /[0-9a-fA-F]/.test(s);
}

/** Loosely an IP prefix as BIRD prints `%N`: an address-like part with a `:` or `.`, then `/len`. */
export function isPrefix(s: string | undefined): s is string {
  return s !== undefined && s.length <= 64 && PREFIX.test(s) && /[:.]/.test(s);
}

/** Replaces multi-word column titles with one token each so a header splits on whitespace. */
export function headerTokens(text: string): string[] {
  const t = text
    .replace(/IP address/g, "IP_address")
    .replace(/RTT \(ms\)/g, "RTT_ms")
    .replace(/Next hello/g, "Next_hello")
    .replace(/RX cost/g, "RX_cost")
    .replace(/Next hop \(v4\)/g, "Next_hop_v4")
    .replace(/Next hop \(v6\)/g, "Next_hop_v6")
    .replace(/Router ID/g, "Router_ID");
  return tokens(t);
}

export function compare(a: string | null, b: string | null): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}
