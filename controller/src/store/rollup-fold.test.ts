import { describe, expect, it } from "vitest";
import { buildSnapshot } from "../../testing";
import { counterBaseOf, forEachSample, pack, type CounterBase, type PackedSnapshot } from "./pack";
import { addLate, foldSnapshots, type AggMap } from "./rollup-fold";
import { MINUTE_MS } from "./types";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

/** The fold as it reads: every sample into one object per bucket under its series id. */
function referenceFold(rows: { ts: number; data: PackedSnapshot }[]): Map<number, AggMap> {
  const out = new Map<number, AggMap>();
  for (const r of rows) {
    const b = Math.floor(r.ts / MINUTE_MS) * MINUTE_MS;
    const m = out.get(b) ?? {};
    out.set(b, m);
    forEachSample(r.data, (series, v) => {
      const a = m[series];
      m[series] = a ? [Math.min(a[0], v), Math.max(a[1], v), a[2] + v, a[3] + 1] : [v, v, v, 1];
    });
  }
  return out;
}

describe("foldSnapshots", () => {
  it("gives every bucket the aggregates and the series order of one object per bucket, rows in any order", () => {
    let base: CounterBase | null = null;
    const rows = Array.from({ length: 40 }, (_, i) => {
      const ts = T0 + i * 10_000;
      // Stations come and go (a key first seen mid-minute), signals move, counters give rates from the second row on.
      const snap = buildSnapshot({ node: "n1", seq: i + 1, ts, signal: (k) => -45 - ((i * 5 + k) % 9), profile: { stations: 1 + (i % 4) } });
      const data = pack(snap, base);
      base = counterBaseOf(ts, data);
      return { ts, data };
    });
    const shuffled = [...rows.filter((_, i) => i % 3 === 0), ...rows.filter((_, i) => i % 3 !== 0).reverse()];
    for (const input of [rows, shuffled]) {
      const folded = foldSnapshots(input, MINUTE_MS);
      const expected = referenceFold(input);
      expect([...folded.keys()]).toEqual([...expected.keys()]);
      for (const [b, m] of expected) expect(JSON.stringify(folded.get(b))).toBe(JSON.stringify(m));
    }
    expect(foldSnapshots(rows, MINUTE_MS).size).toBe(7);
  });
});

describe("addLate", () => {
  it("adds late aggregates to what their buckets held, leaves other buckets out, keeps the held series first", () => {
    const stored = [
      { bucket: T0, data: { "rssi|a": [-60, -40, -150, 3] as [number, number, number, number] } },
      { bucket: T0 + MINUTE_MS, data: { "rssi|a": [-50, -50, -50, 1] as [number, number, number, number] } },
    ];
    const late = new Map<number, AggMap>([[T0, { "rssi|b": [-70, -70, -70, 1], "rssi|a": [-90, -90, -90, 1] }]]);
    const out = addLate(stored, late, MINUTE_MS);
    expect([...out.keys()]).toEqual([T0]);
    expect(out.get(T0)).toEqual({ "rssi|a": [-90, -40, -240, 4], "rssi|b": [-70, -70, -70, 1] });
    expect(Object.keys(out.get(T0)!)).toEqual(["rssi|a", "rssi|b"]);
    // A late bucket that held nothing is the late rows alone.
    expect(addLate([], late, MINUTE_MS).get(T0)).toEqual({ "rssi|b": [-70, -70, -70, 1], "rssi|a": [-90, -90, -90, 1] });
  });
});
