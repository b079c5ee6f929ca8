import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nftCounters } from "@meshfleet/shared";
import { parseNft, parseNftJson, parseNftText } from "./index";
import { forEachMutated } from "../../../testing/mutated";

const dir = fileURLToPath(new URL("./fixtures/", import.meta.url));
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .map((f) => readFileSync(dir + f, "utf8"));

// Last column: how many of the 3,000 must still parse (JSON breaks under most mutations).
describe.each([
  ["parseNft", parseNft, 500],
  ["parseNftJson", parseNftJson, 100],
  ["parseNftText", parseNftText, 500],
] as const)("%s on 3,000 mutated fixtures", (_name, parse, minOk) => {
  it("never throws; ok values pass the schema; errors carry a parse code", () => {
    let ok = 0;
    forEachMutated(seeds, 3000, 20261123, (text, how) => {
      let r;
      try {
        r = parse(text);
      } catch (err) {
        throw new Error(`threw on mutation ${how}: ${String(err)}`);
      }
      if (r.ok) {
        ok++;
        const check = nftCounters.safeParse(r.value);
        if (!check.success) throw new Error(`schema failed after ${how}: ${check.error.message}`);
        expect(r.skipped).toBeGreaterThanOrEqual(0);
      } else {
        expect(["E_PARSE_FORMAT", "E_PARSE_INVALID"]).toContain(r.error.code);
      }
    });
    expect(ok).toBeGreaterThan(minOk);
  });
});
