import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripCommentHeader } from "../src/parsers/detect";
import type { ParseOutcome } from "../src/parsers/types";

const PARSERS = fileURLToPath(new URL("../src/parsers/", import.meta.url));

/**
 * A parser folder's fixture as text (`agent/src/parsers/<folder>/fixtures/<name>`); with
 * `stripHeader`, without its `# …` / `# ---` provenance header (the iw seed copies have one).
 */
export function parserFixture(folder: string, name: string, opts: { stripHeader?: boolean } = {}): string {
  const text = readFileSync(join(PARSERS, folder, "fixtures", name), "utf8");
  return opts.stripHeader ? stripCommentHeader(text).text : text;
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
