import fc from "fast-check";
import { MUTATIONS, seededRandom } from "@meshfleet/testkit";

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
