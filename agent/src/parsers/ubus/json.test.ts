import { describe, expect, it } from "vitest";
import { jsonGet, jsonGetAll, parseJsonKeepDuplicates, toPlainJson, type JsonValue } from "./json";

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
