import { describe, expect, it } from "vitest";
import { durationMs } from "./duration";

describe("durationMs", () => {
  it("reads every unit, decimals and bare milliseconds", () => {
    expect(durationMs("500ms")).toBe(500);
    expect(durationMs("10s")).toBe(10_000);
    expect(durationMs("1.5m")).toBe(90_000);
    expect(durationMs("48h")).toBe(172_800_000);
    expect(durationMs(" 30d ")).toBe(2_592_000_000);
    expect(durationMs("700")).toBe(700);
  });

  it("refuses what is not a duration, and a bare number where a unit is required", () => {
    for (const bad of ["", "soon", "2 weeks", "-1s", "1e3s", "10 s", "5y", "s"]) expect(durationMs(bad), bad).toBeNull();
    expect(durationMs("48", { unit: "required" })).toBeNull();
    expect(durationMs("48h", { unit: "required" })).toBe(172_800_000);
  });
});
