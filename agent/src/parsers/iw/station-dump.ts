import type { StationDump } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { FIELDS, flagAnomaly, linkField, newStation, type Draft } from "./station-fields";
import { MAX_LINE, macText, shortText, sortBy, splitLines, squash } from "./text";

/** The shared schema's bound on stations per dump. */
const MAX_STATIONS = 4096;

const STATION = /^Station[ \t]+(\S+)(?:[ \t]+\(on[ \t]+([^)]*)\))?/;
const LINK = /^Link (\d{1,3})$/;

/**
 * `iw dev IF station dump` (and `station get`): blocks opened by `Station <mac> (on <if>)`
 * with `name:<blanks>value` fields (tabs or spaces, or no blank: `beacon interval:100`).
 * Any field may be missing; unknown fields, `-v` MSDU/TXQ tables and lines before the
 * first block are skipped and counted; Wi-Fi 7 `Link N:` sections go to `flags`
 * (`link0.address`, ...). Stations come out sorted by (iface, mac). An empty input is an
 * empty dump; other text without any `Station` line is not a station dump.
 */
export function parseStationDump(text: string): ParseOutcome<StationDump> {
  const stations: Draft[] = [];
  let cur: Draft | null = null;
  let link: number | null = null;
  let skipped = 0;
  let firstOther: number | null = null;

  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] as string;
    if (raw.length > MAX_LINE) {
      skipped++;
      firstOther ??= n + 1;
      continue;
    }
    const t = raw.trim();
    if (t === "") continue;

    const head = t.startsWith("Station") ? STATION.exec(t) : null;
    if (head) {
      if (stations.length >= MAX_STATIONS) return invalid(`more than ${MAX_STATIONS} stations`, n + 1);
      cur = newStation(shortText((head[2] ?? "").trim()), macText(head[1] as string));
      if (head[2] === undefined) flagAnomaly(cur, "no_iface");
      stations.push(cur);
      link = null;
      continue;
    }
    firstOther ??= n + 1;
    if (cur === null || !field(cur, t, link, (l) => (link = l))) skipped++;
  }

  if (stations.length === 0 && firstOther !== null) {
    return notFormat("not an iw station dump: no `Station <mac> (on <iface>)` line", firstOther);
  }
  const sorted = sortBy(stations, (s) => s.iface, (s) => s.mac);
  return parsed({ stations: sorted }, skipped);
}

/** One line inside a block; false when it is skipped. */
function field(st: Draft, line: string, link: number | null, setLink: (l: number) => void): boolean {
  const colon = line.indexOf(":");
  if (colon < 0) return false; // MSDU/TXQ table rows, stray text
  const key = squash(line.slice(0, colon));
  const value = line.slice(colon + 1).trim();
  const l = key.startsWith("Link ") ? LINK.exec(key) : null;
  if (l && value === "") {
    setLink(Number(l[1]));
    return true;
  }
  if (key === "MSDU" || key === "TXQs") return false; // `-v` tables: skipped, counted
  if (link !== null) return linkField(st, link, key, value);
  const handler = FIELDS.get(key);
  return handler !== undefined && handler(st, value);
}
