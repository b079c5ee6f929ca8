import { ERROR_CODES, MeshfleetError } from "@meshfleet/shared";

/**
 * The UCI configuration file format (`/etc/config/<package>`), as libuci reads and
 * writes it. Pure: text in, model out, model in, text out.
 *
 * Reading accepts what people write by hand: `config type 'name'` or anonymous
 * `config type`, `option`/`list` lines, single-quoted (no escapes inside), double-quoted
 * (backslash escapes) and unquoted tokens, adjacent segments concatenated (`'it'\''s'`,
 * the way `uci` itself escapes a quote), `#` comments, `;` as a statement separator,
 * a `package name` line (as in `uci export`), tabs or spaces.
 *
 * Writing comes in two flavours:
 * - `serializeUci(pkg)` is byte-for-byte what `uci commit` writes (comments are gone,
 *   every section is preceded by a blank line, values single-quoted, `'` as `'\''`,
 *   a blank line at the end);
 * - `printUciFile(pkg)` keeps comments, blank lines and the original text of every
 *   line that was not changed, so an untouched parse prints back identically.
 */

export class UciError extends MeshfleetError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ERROR_CODES.uci, message, details === undefined ? undefined : { details });
  }
}

/** A comment or blank line, verbatim (without the newline). */
export interface UciComment {
  kind: "comment";
  text: string;
}
export interface UciOptionItem {
  kind: "option";
  name: string;
  value: string;
  /** The line as read; printed as is while the value is unchanged. */
  raw?: string;
  rawValue?: string;
}
export interface UciListItem {
  kind: "list";
  name: string;
  values: string[];
  /** The lines as read, parallel to `values` (printed as is while values are unchanged). */
  raw?: string[];
  rawValues?: string[];
}
export type UciItem = UciComment | UciOptionItem | UciListItem;

export interface UciSection {
  type: string;
  /** null for an anonymous section (addressed as `@type[index]`). */
  name: string | null;
  items: UciItem[];
  /** The `config` line as read. */
  raw?: string;
}

export interface UciPackage {
  /** From a `package` line, when the text had one (`uci export`). */
  name: string | null;
  /** Comments and blank lines before the first section. */
  header: UciComment[];
  sections: UciSection[];
}

const NAME_RE = /^[A-Za-z0-9_]+$/;
const TYPE_RE = /^[A-Za-z0-9_-]+$/;

/** Splits one line into statements of tokens, following libuci's tokenizer. */
export function tokenizeUciLine(line: string, lineNo: number): string[][] {
  const statements: string[][] = [];
  let tokens: string[] = [];
  let i = 0;
  const n = line.length;
  const fail = (msg: string): never => {
    throw new UciError(`line ${lineNo}: ${msg}`, { line: lineNo });
  };
  while (i < n) {
    const c = line[i]!;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") break;
    if (c === ";") {
      if (tokens.length > 0) statements.push(tokens);
      tokens = [];
      i++;
      continue;
    }
    let tok = "";
    let any = false;
    while (i < n) {
      const ch = line[i]!;
      if (ch === " " || ch === "\t" || ch === "\r" || ch === ";" || ch === "#") break;
      any = true;
      if (ch === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) fail("unterminated single quote");
        tok += line.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const d = line[i]!;
          if (d === "\\" && i + 1 < n) {
            tok += line[i + 1]!;
            i += 2;
          } else if (d === '"') {
            closed = true;
            i++;
            break;
          } else {
            tok += d;
            i++;
          }
        }
        if (!closed) fail("unterminated double quote");
      } else if (ch === "\\") {
        if (i + 1 < n) tok += line[i + 1]!;
        i += 2;
      } else {
        tok += ch;
        i++;
      }
    }
    if (any) tokens.push(tok);
  }
  if (tokens.length > 0) statements.push(tokens);
  return statements;
}

/** Parses a UCI file (or a single-package `uci export`). Throws UciError (E_UCI) with the line number. */
export function parseUciFile(text: string): UciPackage {
  const pkg: UciPackage = { name: null, header: [], sections: [] };
  let current: UciSection | null = null;
  const lines = text.split("\n");
  // A final newline does not start another (empty) line.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, idx) => {
    const lineNo = idx + 1;
    const statements = tokenizeUciLine(line, lineNo);
    if (statements.length === 0) {
      const comment: UciComment = { kind: "comment", text: line };
      if (current === null) pkg.header.push(comment);
      else current.items.push(comment);
      return;
    }
    const single = statements.length === 1;
    for (const st of statements) {
      const [kw, a, b, ...rest] = st;
      const fail = (msg: string): never => {
        throw new UciError(`line ${lineNo}: ${msg}`, { line: lineNo });
      };
      if (rest.length > 0) fail(`too many arguments to ${kw}`);
      if (kw === "package") {
        if (a === undefined || b !== undefined) fail("package takes one name");
        pkg.name = a!;
      } else if (kw === "config") {
        if (a === undefined || !TYPE_RE.test(a)) fail(`invalid section type ${JSON.stringify(a ?? "")}`);
        if (b !== undefined && !NAME_RE.test(b)) fail(`invalid section name ${JSON.stringify(b)}`);
        const existing = b === undefined ? undefined : pkg.sections.find((s) => s.name === b);
        if (existing) {
          // libuci reopens a section declared twice and takes the later type.
          existing.type = a!;
          current = existing;
        } else {
          current = { type: a!, name: b ?? null, items: [] };
          if (single) current.raw = line;
          pkg.sections.push(current);
        }
      } else if (kw === "option" || kw === "list") {
        if (current === null) fail(`${kw} outside of a config section`);
        if (a === undefined || !NAME_RE.test(a)) fail(`invalid option name ${JSON.stringify(a ?? "")}`);
        if (b === undefined) fail(`${kw} ${a} has no value`);
        const sec = current as UciSection;
        const found = sec.items.find((it): it is UciOptionItem | UciListItem => it.kind !== "comment" && it.name === a);
        if (kw === "option") {
          const item: UciOptionItem = { kind: "option", name: a!, value: b! };
          if (single) {
            item.raw = line;
            item.rawValue = b!;
          }
          if (found) sec.items[sec.items.indexOf(found)] = item;
          else sec.items.push(item);
        } else if (found && found.kind === "list") {
          found.values.push(b!);
          if (found.raw && found.rawValues && single) {
            found.raw.push(line);
            found.rawValues.push(b!);
          } else {
            delete found.raw;
            delete found.rawValues;
          }
        } else {
          // A list after an option of the same name turns it into a list (libuci).
          const values = found && found.kind === "option" ? [found.value, b!] : [b!];
          const item: UciListItem = { kind: "list", name: a!, values };
          if (single && !found) {
            item.raw = [line];
            item.rawValues = [b!];
          }
          if (found) sec.items[sec.items.indexOf(found)] = item;
          else sec.items.push(item);
        }
      } else {
        fail(`unknown keyword ${JSON.stringify(kw)}`);
      }
    }
  });
  return pkg;
}

/**
 * Quotes a value the way libuci does: single quotes, `'` written as `'\''`. A line break
 * cannot be written in the format (nor a NUL): refused rather than written as a second line.
 */
export function quoteUci(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new UciError("UCI values cannot contain line breaks or NUL");
  return `'${value.split("'").join("'\\''")}'`;
}

function canonicalSectionLine(s: UciSection): string {
  return s.name === null ? `config ${s.type}` : `config ${s.type} ${quoteUci(s.name)}`;
}

function canonicalItemLines(it: UciOptionItem | UciListItem): string[] {
  if (it.kind === "option") return [`\toption ${it.name} ${quoteUci(it.value)}`];
  return it.values.map((v) => `\tlist ${it.name} ${quoteUci(v)}`);
}

/**
 * What `uci commit` writes for this package (and, with `withPackageLine`, what
 * `uci export` prints). Comments are dropped, as libuci drops them.
 */
export function serializeUci(pkg: UciPackage, opts: { withPackageLine?: string } = {}): string {
  let out = opts.withPackageLine === undefined ? "" : `package ${opts.withPackageLine}\n`;
  for (const s of pkg.sections) {
    out += `\n${canonicalSectionLine(s)}\n`;
    for (const it of s.items) {
      if (it.kind === "comment") continue;
      for (const l of canonicalItemLines(it)) out += `${l}\n`;
    }
  }
  return `${out}\n`;
}

/** Prints the package keeping comments, blank lines and unchanged lines as they were read. */
export function printUciFile(pkg: UciPackage): string {
  const out: string[] = [];
  if (pkg.name !== null) out.push(`package ${pkg.name}`);
  for (const c of pkg.header) out.push(c.text);
  for (const s of pkg.sections) {
    const canonical = canonicalSectionLine(s);
    const rawStillTrue = s.raw !== undefined && sameSectionLine(s.raw, s);
    out.push(rawStillTrue ? s.raw! : canonical);
    for (const it of s.items) {
      if (it.kind === "comment") out.push(it.text);
      else if (it.kind === "option") out.push(it.raw !== undefined && it.rawValue === it.value ? it.raw : canonicalItemLines(it)[0]!);
      else if (it.raw && it.rawValues && sameValues(it.rawValues, it.values)) out.push(...it.raw);
      else out.push(...canonicalItemLines(it));
    }
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

function sameValues(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameSectionLine(raw: string, s: UciSection): boolean {
  try {
    const st = tokenizeUciLine(raw, 0);
    const t = st[0] ?? [];
    return st.length === 1 && t[1] === s.type && (t[2] ?? null) === s.name;
  } catch {
    return false;
  }
}

/** The plain value of an option (string, or the values of a list). */
export function optionValue(section: UciSection, name: string): string | string[] | undefined {
  const it = section.items.find((i): i is UciOptionItem | UciListItem => i.kind !== "comment" && i.name === name);
  if (it === undefined) return undefined;
  return it.kind === "option" ? it.value : [...it.values];
}

/** A deep copy (items, raw text and all). */
export function clonePackage(pkg: UciPackage): UciPackage {
  return structuredClone(pkg);
}
