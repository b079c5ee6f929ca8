import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as parsers from "./index";
import { FORMAT_NAMES, PARSE_FORMATS, detectFormat, stripCommentHeader } from "./index";

const here = fileURLToPath(new URL("./", import.meta.url));

function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const folder of readdirSync(here)) {
    const dir = `${here}${folder}/fixtures/`;
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".txt")).sort()) out.push(`${folder}/fixtures/${name}`);
  }
  return out;
}

describe("parser registry", () => {
  it("maps every CLI format name to a parser function, and nothing else", () => {
    expect(Object.keys(PARSE_FORMATS).sort()).toEqual([...FORMAT_NAMES].sort());
    for (const name of FORMAT_NAMES) expect(typeof PARSE_FORMATS[name]).toBe("function");
  });

  it("re-exports every parser of the project", () => {
    const names = [
      "parseStationDump",
      "parseMpathDump",
      "parseIwDev",
      "parseBirdRipNeighbors",
      "parseBirdRipInterfaces",
      "parseBirdBabelNeighbors",
      "parseBirdBabelEntries",
      "parseBirdRoutes",
      "parseBirdProtocols",
      "parseBabeldDump",
      "parseBabeldUbus",
      "babeldToRoutingView",
      "parseNft",
      "parseNftJson",
      "parseNftText",
      "parseUbusBoard",
      "parseUbusWireless",
      "wirelessConfigFromStatus",
      "parseHostapdClients",
      "parseJsonKeepDuplicates",
      "detectFormat",
    ];
    const exported = parsers as unknown as Record<string, unknown>;
    expect(names.filter((n) => typeof exported[n] !== "function")).toEqual([]);
  });

  it("every garbage input is an E_PARSE_FORMAT error for every format, never a throw", () => {
    for (const name of FORMAT_NAMES) {
      const r = PARSE_FORMATS[name]("\u0000\u0001 this is not router output \uFFFD\n}{");
      expect(r.ok ? `${name} accepted garbage` : r.error.code).toBe("E_PARSE_FORMAT");
    }
  });

  // Fixtures that detect as nothing are error replies (see detect.test.ts).
  const detected = fixtureFiles().flatMap((file) => {
    const { text } = stripCommentHeader(readFileSync(here + file, "utf8"));
    const format = detectFormat(text);
    return format === null ? [] : [[file, format, text] as const];
  });

  it("detects most fixtures", () => {
    expect(detected.length).toBeGreaterThan(40);
  });

  it.each(detected)("%s parses as %s", (_file, format, text) => {
    const r = PARSE_FORMATS[format](text);
    expect(r.ok ? "ok" : `${format}: ${r.error.code} ${r.error.message}`).toBe("ok");
  });
});
