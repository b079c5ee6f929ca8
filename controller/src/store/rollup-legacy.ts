import { constants, inflateRawSync } from "node:zlib";

/**
 * Rollup rows written before the per-metric segments (`rollup-codec.ts`): the JSON text of
 * the whole AggMap, stored as text, or deflated. Deflated rows end with "\n" and a full flush
 * and no final block, so that a run of them inflates in ONE call; the first ones deflated
 * (with a final block) inflate one by one. Read only: no row is written this way any more.
 */
const SYNC = { finishFlush: constants.Z_SYNC_FLUSH };
const textOf = (data: Buffer | string): string => (typeof data === "string" ? data : inflateRawSync(data, SYNC).toString("utf8"));

/** The JSON texts of legacy rows, in order: one inflate for a run of deflated rows, one per row otherwise. */
export function legacyTexts(rows: readonly (Buffer | string)[]): string[] {
  if (rows.length > 0 && rows.every((r) => typeof r !== "string")) {
    const parts = inflateRawSync(Buffer.concat(rows as Buffer[]), SYNC).toString("utf8").split("\n");
    if (parts.length === rows.length + 1 && parts[rows.length] === "") return parts.slice(0, rows.length);
  }
  return rows.map(textOf);
}
