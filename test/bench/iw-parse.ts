import { parseIwDev, parseMpathDump, parseStationDump } from "@meshfleet/agent/parsers";
import { timeRuns } from "./timing";
import { bigIwDev, bigMpathDump, bigStationDump, longLineStationDump } from "@meshfleet/agent/testing";

/**
 * iw parser benchmark (what the size tests used to time): 10,000-line station dump,
 * mpath dump and iw dev outputs, and a station dump with a 100,000-character line (a
 * regex backtracking trap). Prints the median and worst of several parses and the
 * ceiling each should stay under (an agent parses a few KB every 10 s).
 *
 *   npm run bench -- iw-parse [runs]
 */
function records<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }, pick: (v: T) => number): number {
  if (!r.ok) throw new Error(r.error.message);
  return pick(r.value);
}

export default async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 9);
  const station = bigStationDump();
  const mpath = bigMpathDump();
  const dev = bigIwDev();
  const longLine = longLineStationDump();
  timeRuns("station dump, 10,000 lines", runs, () => records(parseStationDump(station), (v) => v.stations.length), { ceilingMs: 1000 });
  timeRuns("mpath dump, 10,000 lines", runs, () => records(parseMpathDump(mpath), (v) => v.paths.length), { ceilingMs: 1000 });
  timeRuns("iw dev, 10,000 lines", runs, () => records(parseIwDev(dev), (v) => v.interfaces.length), { ceilingMs: 1000 });
  timeRuns("station dump, one 100,000-character line", runs, () => records(parseStationDump(longLine), (v) => v.stations.length), { ceilingMs: 200 });
  await Promise.resolve();
}
