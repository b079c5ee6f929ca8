import { structuredPatch } from "diff";

/**
 * A unified diff of two config texts (`--- a/wireless`, `+++ b/wireless`, `@@ -l,n +l,n @@`,
 * three lines of context), hunks from jsdiff. Empty when nothing changed.
 */
export function unifiedDiff(name: string, before: string, after: string, context = 3): string {
  if (before === after) return "";
  const patch = structuredPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context });
  const out = [`--- a/${name}`, `+++ b/${name}`];
  for (const h of patch.hunks) {
    out.push(`@@ -${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines} +${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines} @@`, ...h.lines);
  }
  return `${out.join("\n")}\n`;
}
