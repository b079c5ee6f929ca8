import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { seriesIn } from "./agg-text";
import type { HistoryMetric } from "./pack";
import { METRIC_OF_ID, pushVarint, ROLLUP_METRIC_IDS, RollupFormatError } from "./rollup-codec";
import type { Agg, AggMap } from "./rollup-fold";
import { MINUTE_MS } from "./types";

/**
 * The minute rollups of one node over one closed hour as ONE row (SQLite's
 * `rollups_minute_hours`), written once: a minute row of its own cost a B-tree row, two index
 * entries and ~2 KB of pages, 60 times an hour.
 *
 *   0x07                       format marker (not a deflate stream's first byte, nor 0x06)
 *   varint n, n bytes          the minutes present, as offsets 0..59 in the hour, ascending
 *   varint m                   number of segments
 *   m x (byte id, varint len)  the metric's id (ROLLUP_METRIC_IDS) and its segment's length
 *   m segments                 each n lines, line i the JSON of {key: [min, max, sum, count]}
 *                              of one metric in minute i ("{}" when it has none) plus "\n",
 *                              deflated together and ended with a full flush
 *
 * One deflate stream per metric over the hour compresses the keys a node repeats every
 * minute; a history query inflates the one metric it asks for, of many rows in one call.
 */
export interface MinuteRow {
  bucket: number;
  data: AggMap;
}

const MARKER = 0x07;
const FULL = { finishFlush: constants.Z_FULL_FLUSH };
const SYNC = { finishFlush: constants.Z_SYNC_FLUSH };
const NEWLINE = 0x0a;

interface Layout {
  /** The minutes' buckets, ascending. */
  buckets: number[];
  segments: { metric: string; start: number; end: number }[];
}

function layoutOf(hour: number, row: Buffer): Layout {
  if (row[0] !== MARKER) throw new RollupFormatError("a minute-hour row does not start with its format marker");
  let pos = 1;
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = row[pos++];
      if (b === undefined) throw new RollupFormatError("a minute-hour row's index is cut short");
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  const n = varint();
  const buckets: number[] = [];
  for (let i = 0; i < n; i++) buckets.push(hour + row[pos++]! * MINUTE_MS);
  const m = varint();
  const index: { metric: string; length: number }[] = [];
  for (let i = 0; i < m; i++) {
    const id = row[pos++]!;
    const metric = METRIC_OF_ID.get(id);
    if (metric === undefined) throw new RollupFormatError(`a minute-hour row holds metric id ${id}, which this version does not know`);
    index.push({ metric, length: varint() });
  }
  const segments: Layout["segments"] = [];
  for (const { metric, length } of index) {
    segments.push({ metric, start: pos, end: pos + length });
    pos += length;
  }
  if (pos !== row.length) throw new RollupFormatError(`a minute-hour row's segments end at byte ${pos}, not at its length ${row.length}`);
  return { buckets, segments };
}

/** One row of the minutes of the hour starting at `hour` (each bucket a minute of it, ascending). */
export function encodeMinuteHour(hour: number, rows: readonly MinuteRow[]): Buffer {
  const head: number[] = [MARKER];
  pushVarint(head, rows.length);
  const byMetric = new Map<string, Record<string, Agg>[]>();
  rows.forEach((r, i) => {
    const offset = (r.bucket - hour) / MINUTE_MS;
    if (!Number.isInteger(offset) || offset < 0 || offset >= 60 || (i > 0 && r.bucket <= rows[i - 1]!.bucket)) {
      throw new RollupFormatError(`minute ${r.bucket} is not a minute of hour ${hour} after the ones before it`);
    }
    head.push(offset);
    for (const [series, agg] of Object.entries(r.data)) {
      const bar = series.indexOf("|");
      const metric = series.slice(0, bar);
      let lines = byMetric.get(metric);
      if (!lines) byMetric.set(metric, (lines = rows.map(() => ({}))));
      lines[i]![series.slice(bar + 1)] = agg;
    }
  });
  pushVarint(head, byMetric.size);
  const segments: Buffer[] = [];
  for (const [metric, lines] of byMetric) {
    const id = ROLLUP_METRIC_IDS[metric as HistoryMetric] as number | undefined;
    if (id === undefined) throw new RollupFormatError(`series "${metric}|..." has no rollup metric id`);
    const segment = deflateRawSync(lines.map((l) => `${JSON.stringify(l)}\n`).join(""), FULL);
    head.push(id);
    pushVarint(head, segment.length);
    segments.push(segment);
  }
  return Buffer.concat([Buffer.from(head), ...segments]);
}

/** The buckets of the minutes a row holds (its index only, nothing inflated). */
export function minutesOfHour(hour: number, row: Buffer): number[] {
  return layoutOf(hour, row).buckets;
}

/** The lines (UTF-8 bytes) of a run of segments inflated in one call, `lines` per segment. */
function inflateLines(parts: Buffer[], lines: number): Buffer[] {
  if (parts.length === 0) return [];
  const bytes = inflateRawSync(Buffer.concat(parts), SYNC);
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
    out.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (out.length !== lines || start !== bytes.length) throw new RollupFormatError(`minute-hour segments inflated to ${out.length} lines, not ${lines}`);
  return out;
}

export function decodeMinuteHour(hour: number, row: Buffer): MinuteRow[] {
  const { buckets, segments } = layoutOf(hour, row);
  const out: MinuteRow[] = buckets.map((bucket) => ({ bucket, data: {} }));
  const lines = inflateLines(
    segments.map((s) => row.subarray(s.start, s.end)),
    segments.length * buckets.length,
  );
  segments.forEach((s, j) => {
    out.forEach((r, i) => {
      for (const [key, agg] of Object.entries(JSON.parse(lines[j * buckets.length + i]!.toString("utf8")) as Record<string, Agg>)) r.data[`${s.metric}|${key}`] = agg;
    });
  });
  return out;
}

/**
 * For each row, its minutes with the series whose id starts with `prefix` (`metric|` or
 * `metric|key`), ascending; a minute without such a series is left out. Inflates only that
 * metric's segment of each row, all in one call.
 */
export function seriesOfMinuteHours(rows: readonly { hour: number; data: Buffer }[], prefix: string): { bucket: number; series: [string, Agg][] }[][] {
  const bar = prefix.indexOf("|");
  if (bar === -1) throw new RollupFormatError(`a series prefix names a metric and "|": "${prefix}"`);
  const metric = prefix.slice(0, bar);
  const found: { row: number; buckets: number[]; part: Buffer }[] = [];
  rows.forEach((r, row) => {
    const { buckets, segments } = layoutOf(r.hour, r.data);
    const s = segments.find((x) => x.metric === metric);
    if (s) found.push({ row, buckets, part: r.data.subarray(s.start, s.end) });
  });
  const lines = inflateLines(
    found.map((f) => f.part),
    found.reduce((n, f) => n + f.buckets.length, 0),
  );
  const inLine = seriesIn(prefix.slice(bar + 1));
  const out: { bucket: number; series: [string, Agg][] }[][] = rows.map(() => []);
  let line = 0;
  for (const f of found) {
    for (const bucket of f.buckets) {
      const series = inLine(lines[line++]!).map(([key, agg]): [string, Agg] => [`${metric}|${key}`, agg]);
      if (series.length > 0) out[f.row]!.push({ bucket, series });
    }
  }
  return out;
}
