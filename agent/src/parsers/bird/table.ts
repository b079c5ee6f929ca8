import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { headerTokens, MAX_LINE, protocolLine, readReply, tokens } from "./reply";

/**
 * The shape every BIRD `show rip|babel …` reply shares: per protocol instance a `name:`
 * line (or `name: is not up`), a header line, then one whitespace-separated row per
 * item. Columns are found by their header titles, never by position in characters:
 * long names push rows out of alignment.
 */
export interface TableSpec<T> {
  /** What the table is, for error messages. */
  what: string;
  /** The column titles (multi-word titles joined by `_`) when this line is the header, else null. */
  header: (titles: string[]) => string[] | null;
  /** Columns to assume when rows come without a header (a cut-off capture), from the row's cells. */
  guess: (cells: string[]) => string[] | null;
  /** One row: its tokens, the columns in force and the protocol instance. Null skips it. */
  row: (cells: string[], columns: string[], protocol: string) => T | null;
  max: number;
}

/** First titles of BIRD's tables; a header starting with one of them that a spec rejects is foreign. */
const TITLES = new Set(["IP_address", "Interface", "Prefix", "Name", "name"]);
const FOREIGN: string[] = [];

export function parseTable<T>(text: string, spec: TableSpec<T>): ParseOutcome<T[]> {
  const reply = readReply(text);
  if (!reply.ok) return reply;
  const items: T[] = [];
  let protocol = "";
  let columns: string[] | null = null;
  let recognised = 0;
  let skipped = 0;
  for (const { text: t, line } of reply.lines) {
    if (t.trim() === "") continue;
    if (t.length > MAX_LINE) {
      skipped++;
      continue;
    }
    const p = protocolLine(t.trim());
    if (p) {
      protocol = p.name;
      columns = null;
      // A name line alone says nothing about the table kind; `name: is not up` is an answer.
      if (!p.up) recognised++;
      continue;
    }
    const heading = headerTokens(t);
    const titles = spec.header(heading);
    if (titles) {
      columns = titles;
      recognised++;
      continue;
    }
    if (TITLES.has(heading[0] ?? "")) {
      // Another table's header (RIP under a Babel parser, …): its rows are not ours.
      columns = FOREIGN;
      skipped++;
      continue;
    }
    const cells = tokens(t);
    const cols = columns === FOREIGN ? null : (columns ?? spec.guess(cells));
    const item = cols ? spec.row(cells, cols, protocol) : null;
    if (item === null) {
      skipped++;
      continue;
    }
    if (items.length >= spec.max) return invalid(`more than ${spec.max} ${spec.what} rows`, line);
    items.push(item);
    recognised++;
  }
  if (recognised === 0 && !reply.empty) return notFormat(`no ${spec.what} header or rows found`, reply.lines[0]?.line ?? null);
  return parsed(items, skipped);
}

/** A header matches when it has all of `required` titles in that order as a prefix-free subsequence. */
export function headerWith(titles: string[], required: string[]): boolean {
  let i = 0;
  for (const t of titles) if (t === required[i]) i++;
  return i === required.length && titles[0] === required[0];
}

/** The cell under a column title, or undefined. */
export function cell(cells: string[], columns: string[], title: string): string | undefined {
  const i = columns.indexOf(title);
  return i < 0 ? undefined : cells[i];
}
