import { encodeDelta, readDelta, expandDelta, subjects, type Json } from "@meshfleet/shared";
import { decodeValue } from "@meshfleet/controller";
import { buildSnapshot, BENCH_PROFILE } from "@meshfleet/controller/testing";
const snap = (node: number, round: number) => buildSnapshot({ node: `bench-${node}`, boot: "drain-run", seq: round + 1, ts: 1_700_000_000_000 + round * 10_000, profile: BENCH_PROFILE, signal: (i) => -50 - i - ((round * 7 + i + node) % 5) });
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
export default async function exp(argv: string[]): Promise<void> {
  const mode = argv[0] ?? "apply";
  const N = 1000, R = 20;
  const subject = (n: number) => subjects.telemetry(`bench-${n}`);
  const texts: string[][] = Array.from({ length: R }, (_, r) => Array.from({ length: N }, (_, n) => JSON.stringify(snap(n, r))));
  const bases = texts[0]!.map((t) => JSON.parse(t) as Json);
  const deltas = texts.map((row, r) => row.map((t, n) => (r === 0 ? null : JSON.stringify(readDelta(encodeDelta(bases[n]!, 1, JSON.parse(t) as Json, "drain-run"), 1 << 20)))));
  let tParse = 0, tApply = 0, tZod = 0, tKey = 0;
  for (let rep = 0; rep < 3; rep++) {
    tParse = tApply = tZod = tKey = 0;
    for (let r = 0; r < R; r++) for (let n = 0; n < N; n++) {
      if (r === 0) { const c0 = cpu(); const v = JSON.parse(texts[0]![n]!); bases[n] = v; const d = decodeValue(subject(n), v); tKey += cpu() - c0; if (!d.ok) throw new Error(d.message); continue; }
      const c0 = cpu();
      const p = JSON.parse(deltas[r]![n]!);
      const c1 = cpu();
      let v = expandDelta(bases[n]!, p);
      if (mode === "reparse") v = JSON.parse(JSON.stringify(v));
      const c2 = cpu();
      const d = decodeValue(subject(n), v);
      const c3 = cpu();
      if (!d.ok) throw new Error(d.message);
      tParse += c1 - c0; tApply += c2 - c1; tZod += c3 - c2;
    }
    const k = N * (R - 1);
    console.log(`${mode} rep ${rep}: keyframe ${(tKey / N).toFixed(1)} parse-delta ${(tParse / k).toFixed(1)} apply ${(tApply / k).toFixed(1)} zod ${(tZod / k).toFixed(1)} µs`);
  }
}
