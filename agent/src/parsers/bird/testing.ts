import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ParseOutcome } from "../types";

/** A fixture of this folder as text. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");
}

/** The value of an ok outcome (with its skipped count); fails the test with the error otherwise. */
export function ok<T>(r: ParseOutcome<T>): T & { skipped: number } {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message} (line ${String(r.error.line)})`);
  return { ...r.value, skipped: r.skipped };
}
