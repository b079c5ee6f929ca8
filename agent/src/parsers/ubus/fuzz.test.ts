import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { boardInfo, hostapdClients, wirelessConfig, wirelessStatus } from "@meshfleet/shared";
import type { z } from "zod";
import type { ParseOutcome } from "../types";
import { parseHostapdClients, parseJsonKeepDuplicates, parseUbusBoard, parseUbusWireless, wirelessConfigFromStatus } from "./index";
import { forEachMutated } from "../../../testing/mutated";

const dir = fileURLToPath(new URL("./fixtures/", import.meta.url));
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .map((f) => readFileSync(dir + f, "utf8"));

function run<T>(parse: (t: string) => ParseOutcome<T>, schema: z.ZodType | null, extra?: (v: T) => void): number {
  let ok = 0;
  forEachMutated(seeds, 3000, 424242, (text, how) => {
    let r: ParseOutcome<T>;
    try {
      r = parse(text);
    } catch (err) {
      throw new Error(`threw after ${how}: ${String(err)}`);
    }
    if (r.ok) {
      ok++;
      if (schema) {
        const check = schema.safeParse(r.value);
        if (!check.success) throw new Error(`schema failed after ${how}: ${check.error.message}`);
      }
      extra?.(r.value);
    } else expect(["E_PARSE_FORMAT", "E_PARSE_INVALID"]).toContain(r.error.code);
  });
  return ok;
}

describe("ubus parsers on 3,000 mutated fixtures each", () => {
  it("parseJsonKeepDuplicates never throws", () => {
    expect(run(parseJsonKeepDuplicates, null)).toBeGreaterThan(100);
  });
  it("parseUbusBoard", () => {
    expect(run(parseUbusBoard, boardInfo)).toBeGreaterThan(20);
  });
  it("parseUbusWireless, and wirelessConfigFromStatus on every result", () => {
    const n = run(parseUbusWireless, wirelessStatus, (s) => {
      const check = wirelessConfig.safeParse(wirelessConfigFromStatus(s));
      if (!check.success) throw new Error(check.error.message);
    });
    expect(n).toBeGreaterThan(20);
  });
  it("parseHostapdClients", () => {
    expect(run(parseHostapdClients, hostapdClients)).toBeGreaterThan(20);
  });
});
