import { describe, expect, it } from "vitest";
import { seededRandom } from "@meshfleet/testkit";
import { jsonGet, jsonGetAll, parseJsonKeepDuplicates, readJsonTree, readStrictJson, toPlainJson, type JsonValue } from "./json";

function ok(text: string): JsonValue {
  const r = parseJsonKeepDuplicates(text);
  if (!r.ok) throw new Error(`expected JSON, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe("parseJsonKeepDuplicates", () => {
  it("keeps every duplicate key in printed order", () => {
    const v = ok('{"noscan": "1", "htmode": "HT40", "noscan": true}');
    expect(v).toEqual({
      kind: "object",
      entries: [
        ["noscan", "1"],
        ["htmode", "HT40"],
        ["noscan", true],
      ],
    });
    expect(jsonGet(v, "noscan")).toBe(true);
    expect(jsonGetAll(v, "noscan")).toEqual(["1", true]);
    expect(toPlainJson(v)).toEqual({ noscan: true, htmode: "HT40" });
    expect(toPlainJson(v, "first")).toEqual({ noscan: "1", htmode: "HT40" });
  });

  it("reads nested arrays, numbers, null and escaped slashes", () => {
    const v = ok('{"a": [1, -2.5, 1e3, null, false], "t": "ar71xx\\/generic", "o": {}}');
    expect(toPlainJson(v)).toEqual({ a: [1, -2.5, 1000, null, false], t: "ar71xx/generic", o: {} });
  });

  it("treats __proto__ as an ordinary key", () => {
    const plain = toPlainJson(ok('{"__proto__": {"x": 1}}')) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['{"a": 1,}', 1],
    ['{"a": 1 // comment\n}', 1],
    ['{\n"a": 1\n}\n/* c */', 4],
    ["{'a': 1}", 1],
    ['{"a": 1} {"b": 2}', 1],
    ["", 1],
    ["[NaN]", 1],
    ["station dump", 1],
  ])("rejects %j as not JSON (line %i)", (text, line) => {
    const r = parseJsonKeepDuplicates(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("E_PARSE_FORMAT");
      expect(r.error.line).toBe(line);
    }
  });

  it("refuses absurd nesting instead of overflowing the stack", () => {
    const r = parseJsonKeepDuplicates("[".repeat(100_000));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain("nested deeper");
    expect(ok("[".repeat(200) + "]".repeat(200))).toBeInstanceOf(Array);
  });
});

describe("parseJsonKeepDuplicates on hostile nesting", () => {
  it("does not let a broken string hide deep nesting", () => {
    const r = parseJsonKeepDuplicates('{"a": "unterminated\n' + "[".repeat(50_000));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("E_PARSE_FORMAT");
  });
});

describe("the direct JSON reader", () => {
  const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const blank = (r: () => number) => pick(r, ["", "", " ", "\n", "\t", "\r\n", "  ", "\u00a0", "\v", "\u2028", "\ufeff"]);
  const text = (r: () => number) =>
    `"${Array.from({ length: Math.floor(r() * 5) }, () => pick(r, ["a", "é", "\\n", "\\u00e9", "\\uD83D", "\\ud83d\\ude00", '\\"', "\\\\", "\\/", "\\x", "\\u12", "\t", "\u0001", "\u007f", " ", "{", "]", ":", ",", "\ud800"])).join("")}"`;
  const number = (r: () => number) => pick(r, ["0", "-0", "1", "-1", "01", "1.", ".5", "1.5", "1e5", "1E+5", "1e-5", "1e", "-", "1.5e400", "123456789012345678901234567890", "0x10", "2a", "NaN"]);
  function value(r: () => number, depth: number): string {
    const k = Math.floor(r() * (depth > 4 ? 4 : 7));
    if (k === 0) return pick(r, ["true", "false", "null", "tru", "truex", "nul", "True"]);
    if (k === 1) return number(r);
    if (k < 4) return text(r);
    const items = Array.from({ length: Math.floor(r() * 4) }, () => (k === 4 ? value(r, depth + 1) : `${r() < 0.95 ? text(r) : pick(r, ["a", "1"])}${blank(r)}${pick(r, [":", ":", ":", "", "::"])}${blank(r)}${value(r, depth + 1)}`));
    const sep = () => `${blank(r)}${pick(r, [",", ",", ",", "", ",,"])}${blank(r)}`;
    const [open, close] = k === 4 ? ["[", pick(r, ["]", "]", "]", ",]", "}"])] : ["{", pick(r, ["}", "}", "}", ",}", "]"])];
    return `${open}${blank(r)}${items.reduce((acc, x, i) => (i === 0 ? x : `${acc}${sep()}${x}`), "")}${blank(r)}${close}`;
  }

  it("reads what the general reader reads, the same way, and leaves everything else to it (30,000 random texts)", () => {
    const r = seededRandom(20261123);
    let direct = 0;
    for (let i = 0; i < 30_000; i++) {
      let t = `${blank(r)}${value(r, 0)}${blank(r)}`;
      if (r() < 0.1) t += pick(r, ["x", "}", " 1", "//c"]);
      if (r() < 0.05) t = t.slice(0, Math.floor(r() * t.length));
      const general = readJsonTree(t);
      const got = parseJsonKeepDuplicates(t);
      expect(got).toEqual(general);
      const fast = readStrictJson(t);
      if (fast !== undefined) {
        direct++;
        expect(general.ok).toBe(true);
        if (general.ok) expect(fast).toEqual(general.value);
      }
    }
    expect(direct).toBeGreaterThan(3_000);
  });

  it("reads a simulated ubus reply directly", () => {
    const t = '{\n\t"a": [\n\t\t\n\t],\n\t"b": {\n\t\t"c": -0.5e1,\n\t\t"c": "\\u00e9\\n"\n\t}\n}\n';
    expect(readStrictJson(t)).toEqual({ kind: "object", entries: [["a", []], ["b", { kind: "object", entries: [["c", -5], ["c", "é\n"]] }]] });
    expect(readStrictJson('{"a": 1,}')).toBeUndefined();
  });
});
