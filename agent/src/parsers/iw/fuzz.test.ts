import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { iwDev, mpathDump, stationDump, surveyDump } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { parseIwDev, parseMpathDump, parseStationDump, parseSurveyDump } from "./index";
import { ok, parserFixture } from "../../../testing/parser-outcomes";
import { bigIwDev, bigMpathDump, bigStationDump, longLineStationDump } from "../../../testing";
import { forEachMutated, parsedWithinContract } from "../../../testing/mutated";

const fixture = (name: string): string => parserFixture("iw", name, { stripHeader: true });

const names = readdirSync(fileURLToPath(new URL("./fixtures/", import.meta.url))).filter((f) => f.endsWith(".txt"));
const seeds = (match: RegExp): string[] => names.filter((n) => match.test(n)).map(fixture);

type Case = [string, (t: string) => ParseOutcome<unknown>, z.ZodType, string[], number];
const cases: Case[] = [
  ["parseStationDump", parseStationDump, stationDump, seeds(/station/), 11],
  ["parseMpathDump", parseMpathDump, mpathDump, seeds(/mpath/), 12],
  ["parseIwDev", parseIwDev, iwDev, seeds(/iw-(dev|info)/), 13],
  ["parseSurveyDump", parseSurveyDump, surveyDump, seeds(/survey/), 14],
];

describe.each(cases)("%s on 3,000 mutated fixtures", (_name, parse, schema, own, seed) => {
  it("never throws; ok values pass the shared schema; errors carry a parse code", () => {
    expect(own.length).toBeGreaterThanOrEqual(4);
    let good = 0;
    let errors = 0;
    // Mostly its own format, plus the other iw formats so that "not this format" is exercised.
    const all = [...own, ...own, ...cases.flatMap((c) => c[3])];
    forEachMutated(all, 3000, 20261123 + seed, (text, how) => {
      if (parsedWithinContract(parse, schema, text, how) === "ok") good++;
      else errors++;
    });
    expect(good).toBeGreaterThan(1000);
    expect(errors).toBeGreaterThan(10);
  });
});

// Sizes at the wire schema's limits parse completely (how fast: `npm run bench -- iw-parse`).
describe("10,000-line inputs", () => {
  const station = bigStationDump();
  const mpath = bigMpathDump();
  const dev = bigIwDev();
  const count = (text: string, line: RegExp) => text.split("\n").filter((l) => line.test(l)).length;
  it.each([
    ["station dump", station, () => ok(parseStationDump(station)).stations.length, count(station, /^Station /)],
    ["mpath dump", mpath, () => ok(parseMpathDump(mpath)).paths.length, 8000],
    ["iw dev", dev, () => ok(parseIwDev(dev)).interfaces.length, count(dev, /^\tInterface /)],
  ] as const)("%s", (_label, text, run, records) => {
    expect(records).toBeGreaterThanOrEqual(200);
    expect(text.split("\n").length).toBeGreaterThanOrEqual(10_000);
    expect(run()).toBe(records);
  });

  it("a 100,000-character line is skipped", () => {
    const r = ok(parseStationDump(longLineStationDump()));
    expect(r.skipped).toBe(1);
    expect(r.stations[0]?.signalDbm).toBe(-50);
  });
});
