/**
 * A unified diff of two texts (`--- a/wireless`, `+++ b/wireless`, `@@ -l,n +l,n @@`,
 * three lines of context), from a longest-common-subsequence line match. Config files
 * are small (hundreds of lines), so the quadratic table is fine.
 */
export function unifiedDiff(name: string, before: string, after: string, context = 3): string {
  if (before === after) return "";
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.at(-1) === "") a.pop();
  if (b.at(-1) === "") b.pop();
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  type Line = { t: " " | "-" | "+"; s: string; ai: number; bi: number };
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) lines.push({ t: " ", s: a[i]!, ai: i++, bi: j++ });
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) lines.push({ t: "-", s: a[i]!, ai: i++, bi: j });
    else lines.push({ t: "+", s: b[j]!, ai: i, bi: j++ });
  }
  const out = [`--- a/${name}`, `+++ b/${name}`];
  let k = 0;
  while (k < lines.length) {
    if (lines[k]!.t === " ") {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while changes are within 2*context lines of each other.
    for (;;) {
      while (end < lines.length && lines[end]!.t !== " ") end++;
      let next = end;
      while (next < lines.length && lines[next]!.t === " " && next - end < 2 * context) next++;
      if (next < lines.length && lines[next]!.t !== " " && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(lines.length, end + context);
    const hunk = lines.slice(start, stop);
    const aStart = hunk[0]!.ai;
    const bStart = hunk[0]!.bi;
    const aLen = hunk.filter((l) => l.t !== "+").length;
    const bLen = hunk.filter((l) => l.t !== "-").length;
    out.push(`@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${bLen === 0 ? bStart : bStart + 1},${bLen} @@`);
    for (const l of hunk) out.push(`${l.t}${l.s}`);
    k = stop;
    start = stop;
  }
  return `${out.join("\n")}\n`;
}
