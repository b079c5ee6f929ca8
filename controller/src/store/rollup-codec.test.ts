import { describe, expect, it } from "vitest";
import { constants, deflateRawSync } from "node:zlib";
import { decodeAgg, encodeAgg, ROLLUP_METRIC_IDS, seriesOfRows } from "./rollup-codec";
import type { AggMap } from "./rollup-fold";

/** A row as the store wrote it before per-metric segments: the whole AggMap's JSON, deflated. */
const legacyRow = (data: AggMap): Buffer => deflateRawSync(`${JSON.stringify(data)}\n`, { finishFlush: constants.Z_FULL_FLUSH });

const row = (v: number): AggMap => ({
  "signal|02:aa": [v, v + 1, 2 * v + 1, 2],
  "signal|02:aa:extra": [v - 10, v - 10, v - 10, 1],
  "txBitrate|02:aa": [300, 300, 600, 2],
  'counterByteRate|rule:inet:fw4:input:"odd,signal|x"': [1.5, 2.25, 3.75, 2],
  "counterByteRate|named:inet:fw4:wan": [0, 1e9, 1e9, 2],
  "routeMetric|fd00::/64": [1024, 1024, 1024, 1],
});

describe("rollup rows: one deflated segment per metric", () => {
  it("decodes what it encodes, every series and value", () => {
    expect(decodeAgg(encodeAgg(row(-60)))).toEqual(row(-60));
    expect(decodeAgg(encodeAgg({}))).toEqual({});
  });

  it("reads one metric's series of many rows, by metric or by exact key prefix", () => {
    const rows = [encodeAgg(row(-60)), encodeAgg({ "txBitrate|02:aa": [1, 1, 1, 1] }), encodeAgg(row(-70))];
    expect(seriesOfRows(rows, "signal|")).toEqual([
      [
        ["signal|02:aa", [-60, -59, -119, 2]],
        ["signal|02:aa:extra", [-70, -70, -70, 1]],
      ],
      [],
      [
        ["signal|02:aa", [-70, -69, -139, 2]],
        ["signal|02:aa:extra", [-80, -80, -80, 1]],
      ],
    ]);
    expect(seriesOfRows(rows, "signal|02:aa:e").map((r) => r.map(([k]) => k))).toEqual([["signal|02:aa:extra"], [], ["signal|02:aa:extra"]]);
    expect(seriesOfRows(rows, "counterByteRate|rule:").map((r) => r.map(([k]) => k))).toEqual([['counterByteRate|rule:inet:fw4:input:"odd,signal|x"'], [], ['counterByteRate|rule:inet:fw4:input:"odd,signal|x"']]);
    expect(seriesOfRows(rows, "radioBusy|")).toEqual([[], [], []]);
  });

  it("reads rows written before (whole AggMap deflated, or JSON text) mixed with new ones, the same", () => {
    const data = [row(-60), row(-61), row(-62), row(-63)];
    const mixed = [legacyRow(data[0]!), encodeAgg(data[1]!), JSON.stringify(data[2]), deflateRawSync(JSON.stringify(data[3]))];
    for (const prefix of ["signal|", "signal|02:aa", "counterByteRate|", "routeMetric|fd00::/64"]) {
      expect(seriesOfRows(mixed, prefix)).toEqual(seriesOfRows(data.map(encodeAgg), prefix));
    }
    expect(mixed.map(decodeAgg)).toEqual(data);
  });

  it("is told apart from a deflated row by its first byte, which no deflate stream starts with", () => {
    // a deflate block header's bits 1-2 are its type; 11 is reserved
    for (const text of ["", "{}", JSON.stringify(row(1)), "x".repeat(70_000)]) {
      expect(deflateRawSync(`${text}\n`, { finishFlush: constants.Z_FULL_FLUSH })[0]! & 0b110).not.toBe(0b110);
      expect(deflateRawSync(text)[0]! & 0b110).not.toBe(0b110);
    }
    expect(encodeAgg(row(1))[0]).toBe(0x06);
  });

  it("refuses a series of a metric without an id, and a row it cannot read, with a storage error", () => {
    expect(() => encodeAgg({ "noise|a": [1, 1, 1, 1] })).toThrow(expect.objectContaining({ code: "E_STORAGE" }));
    const cut = encodeAgg(row(1)).subarray(0, 20);
    expect(() => decodeAgg(cut)).toThrow(expect.objectContaining({ code: "E_STORAGE" }));
    const unknown = Buffer.from(encodeAgg({ "signal|a": [1, 1, 1, 1] }));
    unknown[2] = 200;
    expect(() => seriesOfRows([unknown], "signal|")).toThrow(expect.objectContaining({ code: "E_STORAGE" }));
  });

  it("keeps every metric id stored in rows for good", () => {
    // Ids are written to disk: a change here makes stored rows unreadable or misread.
    expect(ROLLUP_METRIC_IDS).toEqual({
      signal: 1,
      signalAvg: 2,
      txBitrate: 3,
      rxBitrate: 4,
      expectedThroughput: 5,
      pathMetric: 6,
      pathHops: 7,
      neighborMetric: 8,
      routeMetric: 9,
      counterPacketRate: 10,
      counterByteRate: 11,
      radioBusy: 12,
      radioRx: 13,
      radioTx: 14,
      radioNoise: 15,
      radioClients: 16,
      radioTxPower: 17,
    });
  });
});
