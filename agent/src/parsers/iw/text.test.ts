import { describe, expect, it } from "vitest";
import { seededRandom } from "@meshfleet/testkit";
import { parseSignal } from "./station-fields";
import { counter, hexOrInt, int, macText } from "./text";

/** Random strings built from pieces that sit on the edges of what the readers accept. */
function randomStrings(seed: number, count: number): string[] {
  const pieces = ["-", "8", "1", "0", "12345", " ", "  ", "\t", "[", "]", ",", ", ", "dBm", "DBM", "x", "-0", "00", "9999", "\u00a0", "é", "İ", ":", "A", "f", "0x1F", "0X1f", "0xg", "99999999999999999", "1234567890123456", "E4:95:6E"];
  const r = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(r() * 8) }, () => pieces[Math.floor(r() * pieces.length)]).join(""));
}

/** What the readers are specified as (their regular expressions), for comparison. */
const reference = {
  int: (s: string) => (/^-?\d{1,16}$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : null),
  counter: (s: string) => (/^\d{1,20}$/.test(s) ? Number(s) : null),
  hexOrInt: (s: string) => (/^0x[0-9a-f]{1,12}$/i.test(s) ? Number.parseInt(s.slice(2), 16) : reference.int(s)),
  macText: (s: string) => s.toLowerCase().slice(0, 64),
  signal(value: string) {
    const m = /^(-?\d{1,4})[ \t]*(?:\[([^\]]{0,200})\])?[ \t]*(?:dBm)?$/i.exec(value);
    if (!m) return null;
    const dbm = reference.int(m[1]!);
    if (dbm === null) return null;
    if (m[2] === undefined) return { dbm, chains: null };
    const chains: number[] = [];
    for (const part of m[2].split(",")) {
      const c = reference.int(part.trim());
      if (c === null) return null;
      chains.push(c);
    }
    return { dbm, chains: chains.length === 0 ? null : chains.slice(0, 8) };
  },
};

describe("iw number and MAC readers", () => {
  it("agree with their regular expressions on 100,000 random strings (negative zero included)", () => {
    const wrong: string[] = [];
    for (const s of randomStrings(20261123, 100_000)) {
      if (!Object.is(int(s), reference.int(s))) wrong.push(`int ${JSON.stringify(s)}`);
      if (!Object.is(counter(s), reference.counter(s))) wrong.push(`counter ${JSON.stringify(s)}`);
      if (!Object.is(hexOrInt(s), reference.hexOrInt(s))) wrong.push(`hexOrInt ${JSON.stringify(s)}`);
      if (macText(s) !== reference.macText(s)) wrong.push(`macText ${JSON.stringify(s)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("read a signal as iw prints it the way the general pattern does", () => {
    const printed = ["-52 dBm", "-81 [-83, -85] dBm", "-0 [-0] dBm", "7 [1, 2, 3, 4, 5, 6, 7, 8, 9] dBm", "-52 [-54] dBm"];
    expect(printed.map(parseSignal)).toEqual(printed.map(reference.signal));
    const wrong: string[] = [];
    for (const s of randomStrings(7, 100_000)) {
      const got = parseSignal(s);
      const want = reference.signal(s);
      if (JSON.stringify(got) !== JSON.stringify(want) || (got && want && !Object.is(got.dbm, want.dbm))) wrong.push(JSON.stringify(s));
    }
    expect(wrong).toEqual([]);
  });
});
