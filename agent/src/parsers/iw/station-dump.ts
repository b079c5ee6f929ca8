import type { StationDump } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { FIELDS, flagAnomaly, linkField, newStation, type Draft, type Handler } from "./station-fields";
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
    // The usual field line (`\tname:\tvalue`, printable at both ends): read in place.
    if (cur !== null && isPlainField(raw)) {
      firstOther ??= n + 1;
      const colon = raw.indexOf(":", 1);
      if (colon < 0) {
        skipped++;
        continue;
      }
      let from = colon + 1;
      while (from < raw.length && (raw.charCodeAt(from) === 9 || raw.charCodeAt(from) === 32)) from++;
      const value = raw.slice(from).trim();
      const known = knownKey(raw, colon);
      const got: number = known === undefined ? field(cur, squash(raw.slice(1, colon)), value, link) : knownField(cur, known, value, link);
      if (got === SKIPPED) skipped++;
      else if (got !== READ) link = got;
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
    const colon = t.indexOf(":");
    if (cur === null || colon < 0) {
      skipped++; // MSDU/TXQ table rows, stray text
      continue;
    }
    const got = field(cur, squash(t.slice(0, colon)), t.slice(colon + 1).trim(), link);
    if (got === SKIPPED) skipped++;
    else if (got !== READ) link = got;
  }

  if (stations.length === 0 && firstOther !== null) {
    return notFormat("not an iw station dump: no `Station <mac> (on <iface>)` line", firstOther);
  }
  const sorted = sortBy(stations, (s) => s.iface, (s) => s.mac);
  return parsed({ stations: sorted }, skipped);
}

const READ = -1;
const SKIPPED = -2;

/** A tab, then printable ASCII at both ends (`trim()` would only drop that tab), and no `Station` head. */
function isPlainField(raw: string): boolean {
  if (raw.length < 2 || raw.charCodeAt(0) !== 9) return false;
  const first = raw.charCodeAt(1);
  const last = raw.charCodeAt(raw.length - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 && !raw.startsWith("Station", 1);
}

/** The known fields by name length, for finding a name in the line without cutting it out. */
const BY_LENGTH: [string, Handler][][] = [];
for (const [k, h] of FIELDS) if (squash(k) === k && !k.includes(":")) (BY_LENGTH[k.length] ??= []).push([k, h]);

/** The known field whose name is exactly `raw` from 1 to `colon` (what squashing that text would give too). */
function knownKey(raw: string, colon: number): [string, Handler] | undefined {
  const candidates = BY_LENGTH[colon - 1];
  if (candidates === undefined) return undefined;
  for (const c of candidates) if (raw.startsWith(c[0], 1)) return c;
  return undefined;
}

/** `field` for a known field name (no `Link N`, no table). */
function knownField(st: Draft, [key, handler]: [string, Handler], value: string, link: number | null): number {
  if (link !== null) return linkField(st, link, key, value) ? READ : SKIPPED;
  return handler(st, value) ? READ : SKIPPED;
}

/** One `key: value` line inside a block: READ, SKIPPED, or the number of the `Link N:` section it opens. */
function field(st: Draft, key: string, value: string, link: number | null): number {
  const l = key.startsWith("Link ") ? LINK.exec(key) : null;
  if (l && value === "") return Number(l[1]);
  if (key === "MSDU" || key === "TXQs") return SKIPPED; // `-v` tables: skipped, counted
  if (link !== null) return linkField(st, link, key, value) ? READ : SKIPPED;
  const handler = FIELDS.get(key);
  return handler !== undefined && handler(st, value) ? READ : SKIPPED;
}
