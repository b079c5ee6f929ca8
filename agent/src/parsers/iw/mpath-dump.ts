import type { MeshPath, MpathDump } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { MAX_LINE, counter, hexOrInt, int, looksLikeMac, macText, shortText, sortBy, splitLines, tokens } from "./text";

/** The shared schema's bound on paths per dump. */
const MAX_PATHS = 8192;

/** Words of the header iw prints before the rows (`DEST ADDR  NEXT HOP  IFACE\tSN\t...`). */
const HEADER_WORDS = new Set(["DEST", "ADDR", "NEXT", "HOP", "IFACE", "SN", "METRIC", "QLEN", "EXPTIME", "DTIM", "DRET", "FLAGS", "HOP_COUNT", "PATH_CHANGE"]);

/** Numeric columns after `DEST NEXT IFACE`, in iw's order (iw < 4.19 prints the first 7). */
const COLUMNS = ["sn", "metric", "qlen", "exptime", "dtim", "dret", "flags", "hopCount", "pathChange"] as const;
const FLAGS = COLUMNS.indexOf("flags");
/** A row whose MACs are malformed is only taken when it has at least SN..FLAGS. */
const MIN_COLUMNS_UNSURE = 7;

/**
 * `iw dev IF mpath dump`: one row per destination, `DEST NEXT-HOP IFACE SN METRIC QLEN
 * EXPTIME DTIM DRET FLAGS [HOP_COUNT PATH_CHANGE]`, tab- or space-separated. The header
 * may be present, missing, wrapped over several lines or glued to the rows (several
 * rows on one line are split at each `MAC MAC` pair). FLAGS is hex (`0x15`) or decimal.
 * Rows come out sorted by (iface, dest); other lines are skipped and counted. Text with
 * no row and no header is not an mpath dump.
 */
export function parseMpathDump(text: string): ParseOutcome<MpathDump> {
  const paths: MeshPath[] = [];
  let skipped = 0;
  let firstOther: number | null = null;
  let sawHeader = false;

  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] as string;
    if (raw.length > MAX_LINE) {
      skipped++;
      firstOther ??= n + 1;
      continue;
    }
    const t = tokens(raw);
    if (t.length === 0) continue;
    let k = 0;
    while (k < t.length && HEADER_WORDS.has(t[k] as string)) k++;
    if (k > 0) sawHeader = true;
    if (k === t.length) continue;

    const rows = rowsOf(t.slice(k));
    if (rows === null) {
      skipped++;
      firstOther ??= n + 1;
      continue;
    }
    if (paths.length + rows.length > MAX_PATHS) return invalid(`more than ${MAX_PATHS} mesh paths`, n + 1);
    paths.push(...rows);
  }

  if (paths.length === 0 && !sawHeader && firstOther !== null) {
    return notFormat("not an iw mpath dump: no `DEST NEXT-HOP IFACE SN METRIC ...` row", firstOther);
  }
  return parsed({ paths: sortBy(paths, (p) => p.iface, (p) => p.dest) }, skipped);
}

/**
 * The rows in one line's tokens, or null when the tokens are not rows. A row starts at
 * a `MAC MAC` pair; a lone row whose MACs are malformed is still read when the rest of
 * the line is numbers.
 */
function rowsOf(t: string[]): MeshPath[] | null {
  const starts: number[] = [];
  for (let i = 0; i + 2 < t.length; i++) {
    if (looksLikeMac(t[i] as string) && looksLikeMac(t[i + 1] as string)) {
      starts.push(i);
      i += 2;
    }
  }
  if (starts[0] !== 0) {
    const single = t.length >= 3 + MIN_COLUMNS_UNSURE ? row(t) : null;
    return single === null ? null : [single];
  }
  const out: MeshPath[] = [];
  for (let s = 0; s < starts.length; s++) {
    const r = row(t.slice(starts[s], starts[s + 1] ?? t.length));
    if (r === null) return null;
    out.push(r);
  }
  return out;
}

function row(t: string[]): MeshPath | null {
  if (t.length < 3) return null;
  const [dest, next, iface] = t as [string, string, string];
  if (int(dest) !== null || int(next) !== null || int(iface) !== null) return null;
  const values: (number | null)[] = [null, null, null, null, null, null, null, null, null];
  for (let i = 0; i < COLUMNS.length && 3 + i < t.length; i++) {
    const tok = t[3 + i];
    const v = i === FLAGS ? hexOrInt(tok) : i > FLAGS ? int(tok) : counter(tok);
    if (v === null || v < 0) return null;
    values[i] = v;
  }
  // values[i] is COLUMNS[i]
  return {
    dest: macText(dest),
    nextHop: macText(next),
    iface: shortText(iface),
    sn: values[0] ?? null,
    metric: values[1] ?? null,
    qlen: values[2] ?? null,
    exptime: values[3] ?? null,
    dtim: values[4] ?? null,
    dret: values[5] ?? null,
    flags: values[6] ?? null,
    hopCount: values[7] ?? null,
    pathChange: values[8] ?? null,
  };
}
