import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { iwDev, mpathDump, stationDump, surveyDump } from "@meshfleet/shared";
import { mutatedInputs } from "@meshfleet/testkit";
import type { ParseOutcome } from "../types";
import { parseIwDev, parseMpathDump, parseStationDump, parseSurveyDump } from "./index";
import { fixture, ok } from "./testing";

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
    for (const { text, how } of mutatedInputs(all, 3000, 20261123 + seed)) {
      let r: ParseOutcome<unknown>;
      try {
        r = parse(text);
      } catch (err) {
        throw new Error(`threw on mutation ${how}: ${String(err)}`);
      }
      if (r.ok) {
        good++;
        const check = schema.safeParse(r.value);
        if (!check.success) throw new Error(`schema failed after ${how}: ${check.error.message}`);
        expect(Number.isInteger(r.skipped) && r.skipped >= 0).toBe(true);
      } else {
        errors++;
        expect(["E_PARSE_FORMAT", "E_PARSE_INVALID"]).toContain(r.error.code);
      }
    }
    expect(good).toBeGreaterThan(1000);
    expect(errors).toBeGreaterThan(10);
  });
});

/** Repeats the fixture's blocks until the text has at least `n` lines. */
function grow(text: string, n: number): string {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  const per = body.split("\n").length - 1;
  return body.repeat(Math.ceil(n / per));
}

const hex = (i: number): string => `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, "0")}:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`;

/** 8,000 paths (the wire schema allows 8,192) and 2,000 stray lines: 10,000 lines. */
function bigMpath(): string {
  const out = ["DEST ADDR         NEXT HOP          IFACE\tSN\tMETRIC\tQLEN\tEXPTIME\t\tDTIM\tDRET\tFLAGS\tHOP_COUNT\tPATH_CHANGE"];
  for (let i = 0; out.length < 10_000; i++) {
    out.push(`${hex(i)} ${hex(i % 97)} mesh0\t${i}\t${100 + (i % 900)}\t0\t${1000 + i}\t100\t0\t0x15\t${1 + (i % 5)}\t${i % 13}`);
    if (i % 4 === 3) out.push("stray line");
  }
  return out.join("\n");
}

/** 200 interfaces (the schema allows 256), each with a long TXQ table: 10,000 lines. */
function bigIwDev(): string {
  const out: string[] = [];
  for (let i = 0; out.length < 10_000; i++) {
    if (i % 8 === 0) out.push(`phy#${i / 8}`);
    out.push(`\tInterface wlan${i}`, `\t\tifindex ${i + 3}`, `\t\twdev 0x${i.toString(16)}`, `\t\taddr ${hex(i)}`, "\t\ttype mesh point");
    out.push("\t\tchannel 36 (5180 MHz), width: 80 MHz, center1: 5210 MHz", "\t\ttxpower 20.00 dBm", "\t\tmulticast TXQ:");
    for (let k = 0; k < 41; k++) out.push(`\t\t\t0\t0\t${k}\t0\t0\t0\t0\t${k * 10}\t\t${k}`);
  }
  return out.slice(0, 10_000).join("\n");
}

describe("10,000-line inputs parse well under a second", () => {
  const inputs: [string, string, () => number][] = [];
  const station = grow(fixture("station-dump-mesh-peer-multichain-signal.txt"), 10_000);
  const mpath = bigMpath();
  const dev = bigIwDev();
  inputs.push(["station dump", station, () => ok(parseStationDump(station)).stations.length]);
  inputs.push(["mpath dump", mpath, () => ok(parseMpathDump(mpath)).paths.length]);
  inputs.push(["iw dev", dev, () => ok(parseIwDev(dev)).interfaces.length]);

  it.each(inputs)("%s", (label, text, run) => {
    expect(text.split("\n").length).toBeGreaterThanOrEqual(10_000);
    const t0 = performance.now();
    const count = run();
    const ms = performance.now() - t0;
    console.log(`iw ${label}: ${text.split("\n").length} lines -> ${count} records in ${ms.toFixed(1)} ms`);
    expect(count).toBeGreaterThanOrEqual(200);
    expect(ms).toBeLessThan(1000);
  });

  it("a 100,000-character line is skipped, not scanned slowly", () => {
    const text = `Station 02:00:00:00:00:01 (on wlan0)\n\tsignal:  \t-50 dBm\n${" ".repeat(50_000)}x${":".repeat(50_000)}\n`;
    const t0 = performance.now();
    const r = ok(parseStationDump(text));
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.skipped).toBe(1);
    expect(r.stations[0]?.signalDbm).toBe(-50);
  });
});
