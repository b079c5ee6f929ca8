import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { babelEntries, routeTable, routingInterfaces, routingNeighbors, routingProtocols } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { parseBirdBabelEntries, parseBirdBabelInterfaces, parseBirdBabelNeighbors, parseBirdProtocols, parseBirdRipInterfaces, parseBirdRipNeighbors, parseBirdRoutes } from "./index";
import { forEachMutated, parsedWithinContract } from "../../../testing/mutated";

const dir = fileURLToPath(new URL("./fixtures/", import.meta.url));
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .map((f) => readFileSync(dir + f, "utf8"));

const cases: [string, (t: string) => ParseOutcome<unknown>, z.ZodType, number][] = [
  ["parseBirdRipNeighbors", parseBirdRipNeighbors, routingNeighbors, 1],
  ["parseBirdRipInterfaces", parseBirdRipInterfaces, routingInterfaces, 2],
  ["parseBirdBabelNeighbors", parseBirdBabelNeighbors, routingNeighbors, 3],
  ["parseBirdBabelInterfaces", parseBirdBabelInterfaces, routingInterfaces, 4],
  ["parseBirdBabelEntries", parseBirdBabelEntries, babelEntries, 5],
  ["parseBirdRoutes", parseBirdRoutes, routeTable, 6],
  ["parseBirdProtocols", parseBirdProtocols, routingProtocols, 7],
];

describe.each(cases)("%s on 3,000 mutated BIRD fixtures", (_name, parse, schema, seed) => {
  it("never throws; ok values pass the shared schema; errors carry a parse code", () => {
    let good = 0;
    forEachMutated(seeds, 3000, 20261123 + seed, (text, how) => {
      if (parsedWithinContract(parse, schema, text, how) === "ok") good++;
    });
    // Each parser recognises enough of the mutated fixtures of its own kind.
    expect(good).toBeGreaterThan(100);
  });
});
