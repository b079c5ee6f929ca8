import { describe, expect, it } from "vitest";
import { seededRandom } from "../random";
import { ubusJson, type UbusValue } from "./ubus-json";

/** The layout spelled out value by value (what ubusJson must print). */
function reference(v: UbusValue, level = 0): string {
  if (v === null) return "null";
  if (typeof v !== "object") return JSON.stringify(v);
  const array = Array.isArray(v);
  const entries = array ? v.map((x) => reference(x, level + 1)) : Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${reference(x, level + 1)}`);
  const inner = "\t".repeat(level + 1);
  return `${array ? "[" : "{"}\n${inner}${entries.join(`,\n${inner}`)}\n${"\t".repeat(level)}${array ? "]" : "}"}`;
}

const PIECES = ["", "[]", "{}", '"', "\\", "\n", "\t", "a", "key", "[", "]", "{", "}", ":", ",", "é", "\u0001", "\u007f", "\u2028", "\ud83d\ude00", "\ud800", "\udc00", "0", "17", "__proto__", " "];

function randomValue(r: () => number, depth: number): UbusValue {
  const k = Math.floor(r() * (depth > 4 ? 4 : 7));
  const text = () => Array.from({ length: Math.floor(r() * 4) }, () => PIECES[Math.floor(r() * PIECES.length)]!).join("");
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return r() < 0.5 ? Math.floor(r() * 1e6) - 5e5 : r() * 100;
    case 3:
      return text();
    case 4:
    case 5:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, UbusValue> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) Object.defineProperty(o, text() || `k${i}`, { value: randomValue(r, depth + 1), enumerable: true, writable: true, configurable: true });
      return o;
    }
  }
}

describe("ubusJson", () => {
  it("prints empty containers broken over lines, at the depth they sit", () => {
    expect(ubusJson({ a: [], b: { c: {} }, d: [[]], e: "[]{}" })).toBe('{\n\t"a": [\n\t\t\n\t],\n\t"b": {\n\t\t"c": {\n\t\t\t\n\t\t}\n\t},\n\t"d": [\n\t\t[\n\t\t\t\n\t\t]\n\t],\n\t"e": "[]{}"\n}\n');
    expect(ubusJson([])).toBe("[\n\t\n]\n");
  });

  it("is the layout spelled out value by value on 20,000 random values", () => {
    const r = seededRandom(20261123);
    for (let i = 0; i < 20_000; i++) {
      const v = randomValue(r, 0);
      expect(ubusJson(v)).toBe(`${reference(v)}\n`);
    }
  });
});
