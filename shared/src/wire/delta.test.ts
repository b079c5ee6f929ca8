import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyDelta, jsonDelta, type Json } from "./delta";
import { deflateJson, encodeDelta, expandDelta, inflateText, readDelta, WireEncodingError } from "./encoding";

const roundTrip = (base: Json, next: Json) => {
  const d = jsonDelta(base, next);
  // Through JSON, as on the wire.
  const wire = d === undefined ? undefined : JSON.parse(JSON.stringify(d));
  return applyDelta(base, wire);
};

/** A JSON value, then a mutated copy of it (numbers moved, keys added/removed, elements inserted/dropped/moved). */
const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
function mutate(v: Json, r: () => number): Json {
  if (typeof v === "number") return r() < 0.5 ? v : Number.isInteger(v) ? v + Math.floor(r() * 2000) - 1000 : v * 1.5;
  if (Array.isArray(v)) {
    const out = v.map((x) => mutate(x, r)).filter(() => r() > 0.1);
    if (r() < 0.3) out.splice(Math.floor(r() * (out.length + 1)), 0, { mac: `m${Math.floor(r() * 9)}`, n: 1 });
    if (r() < 0.2) out.reverse();
    return out;
  }
  if (v !== null && typeof v === "object") {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) if (r() > 0.1) out[k] = mutate(x, r);
    if (r() < 0.2) out[`k${Math.floor(r() * 5)}`] = "new";
    return out;
  }
  return r() < 0.8 ? v : "changed";
}

describe("json delta", () => {
  it("turns the base into the next value exactly, same key order (random pairs)", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(JSON.stringify(roundTrip(a, b))).toBe(JSON.stringify(b));
      }),
      { numRuns: 3000 },
    );
  });

  it("turns the base into a mutated copy exactly (random mutations)", () => {
    fc.assert(
      fc.property(json, fc.integer(), (a, seed) => {
        let s = seed >>> 0;
        const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
        const b = mutate(a, r);
        expect(JSON.stringify(roundTrip(a, b))).toBe(JSON.stringify(b));
      }),
      { numRuns: 3000 },
    );
  });

  it("matches array elements by their string fields and sends only what changed", () => {
    const base: Json = { stations: [{ mac: "aa", iface: "wlan0", rx: 100, sig: -50 }, { mac: "bb", iface: "wlan0", rx: 7, sig: -60 }] };
    const next: Json = { stations: [{ mac: "cc", iface: "wlan0", rx: 1, sig: -70 }, { mac: "bb", iface: "wlan0", rx: 9, sig: -60 }] };
    expect(jsonDelta(base, next)).toEqual({ o: { stations: { a: [{ "=": { mac: "cc", iface: "wlan0", rx: 1, sig: -70 } }, [1, { o: { rx: { "+": 2 } } }]] } } });
    expect(jsonDelta(base, base)).toBeUndefined();
    expect(jsonDelta({ a: 1.5 }, { a: 2.5 })).toEqual({ o: { a: { "=": 2.5 } } });
    expect(jsonDelta({ a: 1, b: 2 }, { b: 2, a: 1 })).toEqual({ "=": { b: 2, a: 1 } });
    expect(jsonDelta({ a: 1, b: 2 }, { a: 1 })).toEqual({ o: {}, x: ["b"] });
  });

  it("keeps __proto__ an own key", () => {
    const base = JSON.parse('{"x":{"__proto__":1}}') as Json;
    const next = JSON.parse('{"x":{"__proto__":2,"y":1}}') as Json;
    const out = roundTrip(base, next);
    expect(JSON.stringify(out)).toBe('{"x":{"__proto__":2,"y":1}}');
    expect(Object.getPrototypeOf((out as { x: object }).x)).toBe(Object.prototype);
  });

  it("removes keys (x) the way a base copy does: kept keys in the base's order, then new ones; removal wins over a patch of a base key", () => {
    const base = JSON.parse('{"a":1,"b":{"c":2},"__proto__":3,"d":4}') as Json;
    const apply = (d: unknown) => JSON.stringify(applyDelta(base, JSON.parse(JSON.stringify(d)) as never));
    expect(apply({ o: { d: { "+": 1 }, e: { "=": 5 } }, x: ["a"] })).toBe('{"b":{"c":2},"__proto__":3,"d":5,"e":5}');
    expect(apply({ o: { b: { o: { c: { "+": 1 } } } }, x: ["b", "__proto__"] })).toBe('{"a":1,"d":4}');
    // A removed key the base lacks changes nothing; a new key listed as removed stays (it was never the base's).
    expect(apply({ o: { e: { "=": 5 } }, x: ["z", "e", 1] })).toBe('{"a":1,"b":{"c":2},"__proto__":3,"d":4,"e":5}');
    expect(JSON.stringify(base)).toBe('{"a":1,"b":{"c":2},"__proto__":3,"d":4}');
  });

  it("refuses a delta that does not fit its base", () => {
    const bad = (base: Json, d: unknown) => () => expandDelta(base, { b: 1, d: d as never });
    expect(bad([1], { a: [3] })).toThrow(WireEncodingError);
    expect(bad({ a: 1 }, { a: [0] })).toThrow(/array patch needs an array base/);
    expect(bad({ a: "s" }, { o: { a: { "+": 1 } } })).toThrow(/increment needs integers/);
    expect(bad(1, { q: 1 })).toThrow(/unknown delta node/);
    expect(bad([1], { a: [{ z: 1 }] })).toThrow(/unknown array item/);
  });
});

describe("wire payloads", () => {
  it("deflates and reads back; a delta payload names its base", () => {
    expect(inflateText(deflateJson('{"a":1}'), 100)).toBe('{"a":1}');
    const p = readDelta(encodeDelta({ n: 1 }, 7, { n: 3 }), 1000);
    expect(p).toEqual({ b: 7, d: { o: { n: { "+": 2 } } } });
    expect(expandDelta({ n: 1 }, p)).toEqual({ n: 3 });
    expect(readDelta(encodeDelta({ n: 1 }, 7, { n: 1 }), 1000)).toEqual({ b: 7, d: null });
  });

  it("refuses what is not deflate, too large once inflated, or not a delta payload", () => {
    expect(() => inflateText(new TextEncoder().encode("{}"), 100)).toThrow(WireEncodingError);
    expect(() => inflateText(deflateJson("x".repeat(5000)), 1000)).toThrow(/cannot inflate/);
    expect(() => readDelta(deflateJson("[1]"), 1000)).toThrow(/b: base seq/);
    expect(() => readDelta(deflateJson('{"b":0,"d":null}'), 1000)).toThrow(/b: base seq/);
    expect(() => readDelta(deflateJson("{nope"), 1000)).toThrow(/not JSON/);
  });
});
