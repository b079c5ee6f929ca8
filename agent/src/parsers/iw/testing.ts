import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stripCommentHeader } from "../detect";
import type { ParseOutcome } from "../types";

/** A fixture of this folder, without its `# …` / `# ---` provenance header (seed copies have one). */
export function fixture(name: string): string {
  return stripCommentHeader(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8")).text;
}

/** The value of an ok outcome with its skipped count; fails the test with the error otherwise. */
export function ok<T>(r: ParseOutcome<T>): T & { skipped: number } {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message} (line ${String(r.error.line)})`);
  return { ...r.value, skipped: r.skipped };
}

/** The error of a failed outcome; fails the test when it parsed. */
export function failed<T>(r: ParseOutcome<T>): { code: string; line: number | null } {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value).slice(0, 200)}`);
  return { code: r.error.code, line: r.error.line };
}
