/**
 * Times `fn` over several runs (a parser benchmark's loop): prints the median and the
 * worst, what the last run returned, and, given a ceiling, whether the worst stayed under it.
 * With `cpu`, also the median CPU time of the process per run (user + system), which other
 * work on a shared machine changes much less than the wall time.
 */
export function timeRuns(label: string, runs: number, fn: () => number, o: { unit?: string; ceilingMs?: number; cpu?: boolean } = {}): void {
  const ms: number[] = [];
  const cpu: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    count = fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const worst = Math.max(...ms);
  const ceiling = o.ceilingMs === undefined ? "" : `; ceiling ${o.ceilingMs} ms: ${worst < o.ceilingMs ? "under" : "OVER"}`;
  const cpuText = o.cpu ? ` (CPU ${median(cpu).toFixed(1)} ms)` : "";
  process.stdout.write(`${label}: ${count} ${o.unit ?? "records"}, median ${median(ms).toFixed(1)} ms${cpuText}, worst ${worst.toFixed(1)} ms over ${runs} runs${ceiling}\n`);
}
