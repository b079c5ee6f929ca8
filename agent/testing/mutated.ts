import fc from "fast-check";
import { MUTATIONS, seededRandom } from "@meshfleet/testkit";
import type { ParseOutcome } from "../src/parsers/types";

/**
 * A seed text with one to three of testkit's mutations (truncate, shuffle lines, random
 * bytes, a 100,000-character line, ...), each with its own random stream, as a fast-check
 * arbitrary: a failure shrinks towards fewer and simpler mutations of an earlier seed.
 */
export function mutatedText(seeds: readonly string[]): fc.Arbitrary<{ text: string; how: string }> {
  const names = Object.keys(MUTATIONS);
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      steps: fc.array(fc.record({ name: fc.constantFrom(...names), stream: fc.integer() }), { minLength: 1, maxLength: 3 }),
    })
    .map(({ seed, steps }) => ({
      text: steps.reduce((t, s) => MUTATIONS[s.name]!(t, seededRandom(s.stream)), seeds[seed]!),
      how: steps.map((s) => s.name).join("+"),
    }));
}

/**
 * Runs `check` on `runs` mutated seed texts with fast-check (repeatable for `seed`). When
 * it throws, fast-check shrinks the input and reports the smallest failing case with its seed.
 */
export function forEachMutated(seeds: readonly string[], runs: number, seed: number, check: (text: string, how: string) => void): void {
  fc.assert(
    fc.property(mutatedText(seeds), ({ text, how }) => check(text, how)),
    { seed, numRuns: runs },
  );
}

const PARSE_CODES = new Set(["E_PARSE_FORMAT", "E_PARSE_INVALID"]);

/**
 * A parser's contract on a mutated text (`how` names the mutations): it never throws; an
 * ok value passes `schema` and counts a whole number of skipped lines; an error carries
 * E_PARSE_FORMAT or E_PARSE_INVALID. Throws when broken (inside forEachMutated, fast-check
 * then shrinks the text); says which way the parser answered.
 */
export function parsedWithinContract(
  parse: (text: string) => ParseOutcome<unknown>,
  schema: { safeParse(v: unknown): { success: boolean; error?: { message: string } } },
  text: string,
  how: string,
): "ok" | "error" {
  let r: ParseOutcome<unknown>;
  try {
    r = parse(text);
  } catch (err) {
    throw new Error(`threw on mutation ${how}: ${String(err)}`);
  }
  if (!r.ok) {
    if (!PARSE_CODES.has(r.error.code)) throw new Error(`error code ${r.error.code} after ${how}: expected E_PARSE_FORMAT or E_PARSE_INVALID`);
    return "error";
  }
  const check = schema.safeParse(r.value);
  if (!check.success) throw new Error(`schema failed after ${how}: ${check.error?.message ?? ""}`);
  if (!Number.isInteger(r.skipped) || r.skipped < 0) throw new Error(`skipped ${r.skipped} after ${how}: expected a whole number >= 0`);
  return "ok";
}
