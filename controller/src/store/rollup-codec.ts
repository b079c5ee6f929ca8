import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { ERROR_CODES, MeshfleetError } from "@meshfleet/shared";
import { seriesIn } from "./agg-text";
import type { HistoryMetric } from "./pack";
import type { Agg, AggMap } from "./rollup-fold";
import { legacyTexts } from "./rollup-legacy";

/**
 * A rollup row's `data` (SQLite and PostgreSQL alike): one deflated segment per metric, so
 * that a history query inflates the one metric it asks for and not the ~160 series of a row.
 *
 *   0x06                       format marker (a deflate block type of 11, which no deflate
 *                              stream starts with: rows written before start otherwise)
 *   varint n                   number of segments
 *   n x (byte id, varint len)  the metric's id (ROLLUP_METRIC_IDS) and its segment's length
 *   n segments                 each the JSON of {key: [min, max, sum, count]} of one metric
 *                              plus "\n", deflated on its own and ended with a full flush
 *
 * A full flush and no final block make each segment inflatable alone, and any run of
 * segments (of one row, or of one metric over many rows) inflatable in ONE call: Node's zlib
 * costs tens of microseconds a call before inflating anything, and a query reads up to
 * 43,200 rows. Rows written before (JSON text, or the whole AggMap deflated) still read
 * (`rollup-legacy.ts`).
 */
export type StoredAgg = Buffer | string;

/** A metric's id in a rollup row. Ids are stored: never change or reuse one. */
export const ROLLUP_METRIC_IDS: Record<HistoryMetric, number> = {
  signal: 1,
  signalAvg: 2,
  txBitrate: 3,
  rxBitrate: 4,
  expectedThroughput: 5,
  pathMetric: 6,
  pathHops: 7,
  neighborMetric: 8,
  routeMetric: 9,
  counterPacketRate: 10,
  counterByteRate: 11,
  radioBusy: 12,
  radioRx: 13,
  radioTx: 14,
  radioNoise: 15,
  radioClients: 16,
  radioTxPower: 17,
};
/** The metric a stored id stands for. */
export const METRIC_OF_ID: ReadonlyMap<number, string> = new Map(Object.entries(ROLLUP_METRIC_IDS).map(([m, id]) => [id, m]));
const MARKER = 0x06;
const FULL = { finishFlush: constants.Z_FULL_FLUSH };
const SYNC = { finishFlush: constants.Z_SYNC_FLUSH };
const NEWLINE = 0x0a;

export class RollupFormatError extends MeshfleetError {
  constructor(message: string) {
    super(ERROR_CODES.storage, message);
  }
}

const isSegmented = (data: StoredAgg): data is Buffer => typeof data !== "string" && data[0] === MARKER;

export function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
}

/** The segment index of a row: each metric's byte range, offsets relative to the row. */
interface Segment {
  metric: string;
  start: number;
  end: number;
}

function segmentsOf(row: Buffer): Segment[] {
  let pos = 1;
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = row[pos++];
      if (b === undefined) throw new RollupFormatError("a rollup row's segment index is cut short");
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  const count = varint();
  const index: { metric: string; length: number }[] = [];
  for (let i = 0; i < count; i++) {
    const id = row[pos++]!;
    const metric = METRIC_OF_ID.get(id);
    if (metric === undefined) throw new RollupFormatError(`a rollup row holds metric id ${id}, which this version does not know`);
    index.push({ metric, length: varint() });
  }
  const out: Segment[] = [];
  for (const { metric, length } of index) {
    out.push({ metric, start: pos, end: pos + length });
    pos += length;
  }
  if (pos !== row.length) throw new RollupFormatError(`a rollup row's segments end at byte ${pos}, not at its length ${row.length}`);
  return out;
}

export function encodeAgg(data: AggMap): Buffer {
  const byMetric = new Map<string, Record<string, Agg>>();
  for (const [series, agg] of Object.entries(data)) {
    const bar = series.indexOf("|");
    const metric = series.slice(0, bar);
    let m = byMetric.get(metric);
    if (!m) byMetric.set(metric, (m = {}));
    m[series.slice(bar + 1)] = agg;
  }
  const head: number[] = [MARKER];
  pushVarint(head, byMetric.size);
  const segments: Buffer[] = [];
  for (const [metric, series] of byMetric) {
    const id = ROLLUP_METRIC_IDS[metric as HistoryMetric] as number | undefined;
    if (id === undefined) throw new RollupFormatError(`series "${metric}|..." has no rollup metric id`);
    const segment = deflateRawSync(`${JSON.stringify(series)}\n`, FULL);
    head.push(id);
    pushVarint(head, segment.length);
    segments.push(segment);
  }
  return Buffer.concat([Buffer.from(head), ...segments]);
}

/** The texts (UTF-8 bytes, views of one buffer) of a run of segments inflated in one call, one per segment. */
function inflateSegments(parts: Buffer[]): Buffer[] {
  if (parts.length === 0) return [];
  const bytes = inflateRawSync(Buffer.concat(parts), SYNC);
  const texts: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
    texts.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (texts.length !== parts.length || start !== bytes.length) throw new RollupFormatError(`${parts.length} rollup segments inflated to ${texts.length} texts`);
  return texts;
}

export function decodeAgg(data: StoredAgg): AggMap {
  if (!isSegmented(data)) return JSON.parse(legacyTexts([data])[0]!) as AggMap;
  const segments = segmentsOf(data);
  const texts = inflateSegments(segments.map((s) => data.subarray(s.start, s.end)));
  const out: AggMap = {};
  segments.forEach((s, i) => {
    for (const [key, agg] of Object.entries(JSON.parse(texts[i]!.toString("utf8")) as Record<string, Agg>)) out[`${s.metric}|${key}`] = agg;
  });
  return out;
}

/**
 * For each row, its series whose id starts with `prefix` (`metric|` or `metric|key`), in
 * the row's order. Inflates only that metric's segment of each row, all in one call.
 */
export function seriesOfRows(rows: readonly StoredAgg[], prefix: string): [string, Agg][][] {
  const bar = prefix.indexOf("|");
  if (bar === -1) throw new RollupFormatError(`a series prefix names a metric and "|": "${prefix}"`);
  const metric = prefix.slice(0, bar);
  const keyPrefix = prefix.slice(bar + 1);
  const out: [string, Agg][][] = rows.map(() => []);
  const legacy: number[] = [];
  const found: { row: number; part: Buffer }[] = [];
  rows.forEach((data, row) => {
    if (!isSegmented(data)) legacy.push(row);
    else {
      const s = segmentsOf(data).find((x) => x.metric === metric);
      if (s) found.push({ row, part: data.subarray(s.start, s.end) });
    }
  });
  const texts = inflateSegments(found.map((f) => f.part));
  const inSegment = seriesIn(keyPrefix);
  found.forEach((f, i) => {
    out[f.row] = inSegment(texts[i]!).map(([key, agg]) => [`${metric}|${key}`, agg]);
  });
  const legacyText = legacyTexts(legacy.map((row) => rows[row]!));
  const inRow = seriesIn(prefix);
  legacy.forEach((row, i) => {
    out[row] = inRow(Buffer.from(legacyText[i]!));
  });
  return out;
}
