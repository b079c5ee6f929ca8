import { seededRandom } from "@meshfleet/shared";

export { seededRandom };

/**
 * Mutations for parser property tests: every parser must survive these without
 * throwing and return a typed result or a typed error. Deterministic for a seed.
 */
export type Mutation = (text: string, rand: () => number) => string;

const pick = <T>(arr: readonly T[], rand: () => number): T => arr[Math.floor(rand() * arr.length)] as T;

export const MUTATIONS: Record<string, Mutation> = {
  truncate: (t, r) => t.slice(0, Math.floor(r() * t.length)),
  shuffleLines: (t, r) => {
    const ls = t.split("\n");
    for (let i = ls.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [ls[i], ls[j]] = [ls[j] as string, ls[i] as string];
    }
    return ls.join("\n");
  },
  tabsToSpaces: (t) => t.replace(/\t/g, "    "),
  spacesToTabs: (t) => t.replace(/ {2,}/g, "\t"),
  dropLines: (t, r) => t.split("\n").filter(() => r() > 0.3).join("\n"),
  duplicateLines: (t, r) => t.split("\n").flatMap((l) => (r() < 0.2 ? [l, l] : [l])).join("\n"),
  randomBytes: (t, r) => {
    const chars = t.split("");
    const n = 1 + Math.floor(r() * 20);
    for (let i = 0; i < n && chars.length > 0; i++) chars[Math.floor(r() * chars.length)] = String.fromCharCode(Math.floor(r() * 0x3000));
    return chars.join("");
  },
  longLine: (t, r) => {
    const ls = t.split("\n");
    ls.splice(Math.floor(r() * (ls.length + 1)), 0, pick(["x", " ", "\t", ":", "9", "{"], r).repeat(100_000));
    return ls.join("\n");
  },
  numbersToGarbage: (t, r) => t.replace(/\d+/g, (d) => (r() < 0.3 ? pick(["-", "NaN", "1e999", "-0", "99999999999999999999", ""], r) : d)),
  crlf: (t) => t.replace(/\n/g, "\r\n"),
  empty: () => "",
  onlyWhitespace: (t, r) => " \t\n".repeat(1 + Math.floor(r() * 10)) + (r() < 0.5 ? t.slice(0, 10) : ""),
};

/** Yields `count` mutated variants of the seed texts (1–3 mutations each). */
export function* mutatedInputs(seeds: readonly string[], count: number, seed = 1): Generator<{ text: string; how: string }> {
  const rand = seededRandom(seed);
  const names = Object.keys(MUTATIONS);
  for (let i = 0; i < count; i++) {
    let text = pick(seeds, rand);
    const how: string[] = [];
    const n = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) {
      const name = pick(names, rand);
      how.push(name);
      text = (MUTATIONS[name] as Mutation)(text, rand);
    }
    yield { text, how: how.join("+") };
  }
}
