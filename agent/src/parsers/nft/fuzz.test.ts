import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nftCounters } from "@meshfleet/shared";
import { parseNft, parseNftJson, parseNftText } from "./index";
import { forEachMutated, parsedWithinContract } from "../../../testing/mutated";

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
      if (parsedWithinContract(parse, nftCounters, text, how) === "ok") ok++;
    });
    expect(ok).toBeGreaterThan(minOk);
  });
});
