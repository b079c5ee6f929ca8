/**
 * Times `fn` over several runs (a parser benchmark's loop): prints the median and the
 * worst, what the last run returned, and, given a ceiling, whether the worst stayed under it.
 */
export function timeRuns(label: string, runs: number, fn: () => number, o: { unit?: string; ceilingMs?: number } = {}): void {
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
  const ceiling = o.ceilingMs === undefined ? "" : `; ceiling ${o.ceilingMs} ms: ${worst < o.ceilingMs ? "under" : "OVER"}`;
  process.stdout.write(`${label}: ${count} ${o.unit ?? "records"}, median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms over ${runs} runs${ceiling}\n`);
}
