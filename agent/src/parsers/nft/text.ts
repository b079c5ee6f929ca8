import type { NftCounter, NftCounters } from "@meshfleet/shared";
import { lines, notFormat, parsed, type ParseOutcome } from "../types";
import { MAX_SUMMARY, clip, finish } from "./common";

type Block =
  | { kind: "chain"; name: string }
  | { kind: "counter"; name: string; handle: number | null; packets: number | null; bytes: number | null; comment: string | null }
  | { kind: "other" };

// No leading \s*: an unanchored \s* prefix is quadratic on long blank lines.
const HANDLE_TAIL = /#\s*handle\s+(\d{1,15})\s*$/;
const OPENER = /^([a-z][a-z0-9_-]*(?:\s+[a-z][a-z0-9_-]*)?)\s+("[^"]*"|[^\s{]+)\s*\{$/;
const TABLE = /^table\s+(?:(ip|ip6|inet|arp|bridge|netdev)\s+)?("[^"]*"|\S+)\s*\{$/;
const RULE_COUNTER = /\bcounter\s+packets\s+(\d{1,20})\s+bytes\s+(\d{1,20})\b/;
const COMMENT = /\bcomment\s+"((?:[^"\\]|\\.)*)"/g;
const CHAIN_META = /^(type\s+\S+\s+hook\b|policy\s+\w+\s*;|comment\s+"|devices\s*=|flags\b|priority\b)/;

const unquote = (s: string): string => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/** Net `{` minus `}` outside double-quoted strings. */
function braceBalance(s: string): number {
  let n = 0;
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) q = !q;
    else if (!q && c === 123) n++;
    else if (!q && c === 125) n--;
  }
  return n;
}

function lastComment(rule: string): string | null {
  let found: string | null = null;
  for (const m of rule.matchAll(COMMENT)) found = m[1] ?? null;
  return found === null ? null : clip(found.replace(/\\(.)/g, "$1"));
}

function ruleSummary(rule: string): string | null {
  const s = rule
    .replace(RULE_COUNTER, " ")
    .replace(COMMENT, " ")
    .replace(/\s+/g, " ")
    .trim();
  return s ? clip(s, MAX_SUMMARY) : null;
}

/**
 * The text form (`nft list ruleset`, `nft -a list ruleset`, `nft list table …`, and
 * pasted fragments without the table line or closing braces): rule counters
 * (`counter packets N bytes M`) and named `counter NAME { packets N bytes M }` blocks.
 * Rules without a counter are read and left out. Counters outside any table get an
 * empty family and table.
 */
export function parseNftText(text: string): ParseOutcome<NftCounters> {
  const counters: NftCounter[] = [];
  let skipped = 0;
  let family = "";
  let table = "";
  let inTable = false;
  let sawStructure = false;
  let block: Block | null = null;
  let pending = 0; // open braces of a multi-line set/map element list

  const closeBlock = (): void => {
    // A counter block without values (`nft -s`, stateless listing) has nothing to report.
    if (block?.kind === "counter" && block.packets !== null && block.bytes !== null) {
      counters.push({ kind: "named", family, table, chain: null, name: block.name, comment: block.comment, handle: block.handle, packets: block.packets, bytes: block.bytes, summary: null });
    }
    block = null;
  };

  const all = lines(text);
  for (const raw of all) {
    const handleMatch = HANDLE_TAIL.exec(raw);
    const handle = handleMatch ? Number(handleMatch[1]) : null;
    const line = (handleMatch ? raw.slice(0, handleMatch.index) : raw).trim();
    if (pending > 0 && !/^(table|chain)\s/.test(line)) {
      pending += braceBalance(line);
      if (pending < 0) pending = 0;
      continue;
    }
    pending = 0;
    if (line === "" || line.startsWith("#")) continue;
    if (line === "}") {
      if (block) closeBlock();
      else if (inTable) inTable = false;
      else skipped++;
      continue;
    }
    const t = TABLE.exec(line);
    if (t) {
      closeBlock();
      family = clip(t[1] ?? "ip");
      table = clip(unquote(t[2] ?? ""));
      inTable = true;
      sawStructure = true;
      continue;
    }
    const o = OPENER.exec(line);
    if (o) {
      closeBlock();
      const what = o[1] ?? "";
      const name = clip(unquote(o[2] ?? ""));
      sawStructure = true;
      if (what === "chain") block = { kind: "chain", name };
      else if (what === "counter") block = { kind: "counter", name, handle, packets: null, bytes: null, comment: null };
      else block = { kind: "other" };
      continue;
    }
    const b: Block | null = block;
    if (b === null) {
      if (!(inTable && /^(flags|comment)\b/.test(line))) skipped++;
      continue;
    }
    if (b.kind === "counter") {
      const pb = /^packets\s+(\d{1,20})\s+bytes\s+(\d{1,20})$/.exec(line);
      if (pb) {
        b.packets = Number(pb[1]);
        b.bytes = Number(pb[2]);
      } else if (line.startsWith("comment ")) b.comment = lastComment(line);
      else skipped++;
      continue;
    }
    if (b.kind === "other") {
      const bal = braceBalance(line);
      if (bal > 0) pending = bal;
      continue;
    }
    if (CHAIN_META.test(line)) continue;
    const c = RULE_COUNTER.exec(line);
    if (!c) continue; // a rule without a counter
    counters.push({
      kind: "rule",
      family,
      table,
      chain: b.name,
      name: null,
      comment: lastComment(line),
      handle,
      packets: Number(c[1]),
      bytes: Number(c[2]),
      summary: ruleSummary(line),
    });
  }
  closeBlock();
  if (!sawStructure) return notFormat("not nft text: no table or chain", 1);
  const done = finish(counters);
  return parsed({ counters: done.counters }, skipped + done.dropped);
}
