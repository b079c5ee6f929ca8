import { parseBirdRoutes } from "@meshfleet/agent/parsers";

/**
 * BIRD `show route` parser benchmark: a generated table of N lines (default 10,000) in
 * the 2.x multi-line form (with ECMP routes and alternates) and in the 1.6 one-line
 * form; prints the median and worst time of several parses of each.
 *
 *   npm run bench -- bird-routes [lines] [runs]
 */
function table2(lines: number): string {
  const out = ["BIRD 2.0.12 ready.", "Table master6:"];
  for (let i = 0; out.length < lines; i++) {
    out.push(`fd00:${i.toString(16)}::/64${" ".repeat(8)}unicast [ripng 09:34:47.143] * (120/${(i % 15) + 1})`);
    out.push(`\tvia fe80::${(i % 7).toString(16)} on wlan${i % 2}${i % 5 === 0 ? " weight 1" : ""}`);
    if (i % 5 === 0) out.push(`\tvia fe80::${((i + 1) % 7).toString(16)} on wlan${(i + 1) % 2} weight 1`);
    if (i % 9 === 0) out.push(`${" ".repeat(21)}unicast [babel1 09:35:01.002] (130/${96 * ((i % 4) + 1)}) [00:00:00:00:0a:ff:00:04]`, "\tvia fe80::9 on wlan0");
  }
  return out.slice(0, lines).join("\n");
}

function table16(lines: number): string {
  const out = ["BIRD 1.6.8 ready."];
  for (let i = 0; out.length < lines; i++) out.push(`fd00:${i.toString(16)}::/64${" ".repeat(5)}via fe80::${(i % 7).toString(16)} on eth${i % 2} [rip1 23:30:58] * (120/${(i % 15) + 1})`);
  return out.join("\n");
}

function time(label: string, text: string, runs: number): void {
  const ms: number[] = [];
  let routes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = parseBirdRoutes(text);
    ms.push(performance.now() - t0);
    routes = r.ok ? r.value.routes.length : -1;
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)] ?? 0;
  const worst = ms[ms.length - 1] ?? 0;
  console.log(`${label}: ${text.split("\n").length} lines, ${routes} routes: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms over ${runs} runs`);
}

export default function bench(args: string[]): Promise<void> {
  const lines = Number(args[0] ?? 10_000);
  const runs = Number(args[1] ?? 10);
  time("BIRD 2.x show route", table2(lines), runs);
  time("BIRD 1.6 show route", table16(lines), runs);
  return Promise.resolve();
}
