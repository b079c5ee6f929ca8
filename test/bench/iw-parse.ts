import { parseIwDev, parseMpathDump, parseStationDump } from "@meshfleet/agent/parsers";
import { bigIwDev, bigMpathDump, bigStationDump, longLineStationDump } from "@meshfleet/agent/testing";

/**
 * iw parser benchmark (what the size tests used to time): 10,000-line station dump,
 * mpath dump and iw dev outputs, and a station dump with a 100,000-character line (a
 * regex backtracking trap). Prints the median and worst of several parses and the
 * ceiling each should stay under (an agent parses a few KB every 10 s).
 *
 *   npm run bench -- iw-parse [runs]
 */
function time(label: string, runs: number, ceilingMs: number, fn: () => number): void {
  const ms: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    count = fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)] ?? NaN;
  const worst = ms.at(-1) ?? NaN;
  process.stdout.write(`${label}: ${count} records, median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms over ${runs} runs; ceiling ${ceilingMs} ms: ${worst < ceilingMs ? "under" : "OVER"}\n`);
}

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
  time("station dump, 10,000 lines", runs, 1000, () => records(parseStationDump(station), (v) => v.stations.length));
  time("mpath dump, 10,000 lines", runs, 1000, () => records(parseMpathDump(mpath), (v) => v.paths.length));
  time("iw dev, 10,000 lines", runs, 1000, () => records(parseIwDev(dev), (v) => v.interfaces.length));
  time("station dump, one 100,000-character line", runs, 200, () => records(parseStationDump(longLine), (v) => v.stations.length));
  await Promise.resolve();
}
