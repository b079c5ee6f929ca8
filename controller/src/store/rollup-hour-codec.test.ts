import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "@meshfleet/shared";
import { encodeAgg, seriesOfRows } from "./rollup-codec";
import type { AggMap } from "./rollup-fold";
import { decodeMinuteHour, encodeMinuteHour, minutesOfHour, seriesOfMinuteHours } from "./rollup-hour-codec";
import { HOUR_MS, MINUTE_MS } from "./types";

const H = Date.UTC(2026, 10, 1, 12); // an hour's start

const minute = (v: number): AggMap => ({
  "signal|02:aa": [v, v + 1, 2 * v + 1, 2],
  "signal|02:aa:extra": [v - 10, v - 10, v - 10, 1],
  "txBitrate|02:aa": [300, 300, 600, 2],
  'counterByteRate|rule:inet:fw4:input:"odd,signal|x"': [1.5, 2.25, 3.75, 2],
  "routeMetric|fd00::/64": [1024, 1024, 1024, 1],
});

/** Minutes 0, 1, 59 of the hour (58 has no signal series). */
const rows = [
  { bucket: H, data: minute(-60) },
  { bucket: H + MINUTE_MS, data: minute(-61) },
  { bucket: H + 58 * MINUTE_MS, data: { "txBitrate|02:aa": [1, 1, 1, 1] } as AggMap },
  { bucket: H + 59 * MINUTE_MS, data: minute(-70) },
];

describe("an hour of minute rollups in one row", () => {
  it("decodes what it encodes, every minute, series and value, and lists its minutes from its index", () => {
    const row = encodeMinuteHour(H, rows);
    expect(row[0]).toBe(0x07);
    expect(decodeMinuteHour(H, row)).toEqual(rows);
    expect(minutesOfHour(H, row)).toEqual([0, 1, 58, 59].map((m) => H + m * MINUTE_MS));
    expect(decodeMinuteHour(H, encodeMinuteHour(H, []))).toEqual([]);
  });

  it("reads one metric's series of many hours as the per-minute rows did, minutes without one left out", () => {
    const later = [{ bucket: H + HOUR_MS + 5 * MINUTE_MS, data: minute(-80) }];
    const hours = [
      { hour: H, data: encodeMinuteHour(H, rows) },
      { hour: H + HOUR_MS, data: encodeMinuteHour(H + HOUR_MS, later) },
    ];
    for (const prefix of ["signal|", "signal|02:aa:e", "counterByteRate|rule:", "txBitrate|02:aa"]) {
      const perMinute = (list: typeof rows) =>
        seriesOfRows(
          list.map((r) => encodeAgg(r.data)),
          prefix,
        )
          .map((series, i) => ({ bucket: list[i]!.bucket, series }))
          .filter((r) => r.series.length > 0);
      expect(seriesOfMinuteHours(hours, prefix)).toEqual([perMinute(rows), perMinute(later)]);
    }
    expect(seriesOfMinuteHours(hours, "signal|02:aa")[0]!.map((r) => r.bucket)).toEqual([0, 1, 59].map((m) => H + m * MINUTE_MS));
    expect(seriesOfMinuteHours(hours, "radioBusy|")).toEqual([[], []]);
  });

  it("is smaller than the hour's per-minute rows: one deflate stream per metric over the hour", () => {
    const hour = Array.from({ length: 60 }, (_, m) => ({ bucket: H + m * MINUTE_MS, data: minute(-60 - (m % 7)) }));
    const perMinute = hour.reduce((n, r) => n + encodeAgg(r.data).length, 0);
    expect(encodeMinuteHour(H, hour).length * 4).toBeLessThan(perMinute);
  });

  it("refuses a minute outside the hour or out of order, and a row that is not one, with a storage error", () => {
    expect(() => encodeMinuteHour(H, [{ bucket: H + HOUR_MS, data: {} }])).toThrow(expect.objectContaining({ code: ERROR_CODES.storage }));
    expect(() => encodeMinuteHour(H, [rows[1]!, rows[0]!])).toThrow(/not a minute of hour/);
    expect(() => decodeMinuteHour(H, encodeAgg(minute(1)))).toThrow(/format marker/);
    expect(() => minutesOfHour(H, encodeMinuteHour(H, rows).subarray(0, 20))).toThrow(expect.objectContaining({ code: ERROR_CODES.storage }));
  });
});
