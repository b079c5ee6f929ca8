import { describe, expect, it } from "vitest";
import { ubusJson } from "./ubus-json";

describe("ubusJson", () => {
  it("prints empty containers broken over lines, at the depth they sit", () => {
    expect(ubusJson({ a: [], b: { c: {} }, d: [[]], e: "[]{}" })).toBe('{\n\t"a": [\n\t\t\n\t],\n\t"b": {\n\t\t"c": {\n\t\t\t\n\t\t}\n\t},\n\t"d": [\n\t\t[\n\t\t\t\n\t\t]\n\t],\n\t"e": "[]{}"\n}\n');
    expect(ubusJson([])).toBe("[\n\t\n]\n");
  });

  it("prints scalars as JSON, escaping what needs it, one entry per line", () => {
    expect(ubusJson({ up: true, uptime: 35007, load: 0.08, name: 'r1 "mesh"\t\u0001', none: null, list: [1, "x"] })).toBe(
      '{\n\t"up": true,\n\t"uptime": 35007,\n\t"load": 0.08,\n\t"name": "r1 \\"mesh\\"\\t\\u0001",\n\t"none": null,\n\t"list": [\n\t\t1,\n\t\t"x"\n\t]\n}\n',
    );
  });
});
