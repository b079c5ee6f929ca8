import type { NftCounter, NftCounters } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { clip, count, finish, handleOf } from "./common";
import { summariseExpr } from "./summary";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? clip(v) : null);

/** Line (1-based) of a JSON.parse error position, when the engine names one. */
function errorLine(text: string, err: unknown): number | null {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : "");
  if (!m) return null;
  const pos = Number(m[1]);
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The anonymous counter statement of a rule (`{"counter": {"packets": N, "bytes": M}}`). */
function ruleCounter(expr: unknown[]): { packets: number; bytes: number } | null | "bad" {
  for (const stmt of expr) {
    if (!isObj(stmt) || !isObj(stmt.counter)) continue;
    const c = stmt.counter;
    if (!("packets" in c) && !("bytes" in c)) continue; // `counter name <map>`: a reference
    const packets = count(c.packets);
    const bytes = count(c.bytes);
    return packets === null || bytes === null ? "bad" : { packets, bytes };
  }
  return null;
}

function fromRule(r: Obj): NftCounter | null | "bad" {
  const family = str(r.family);
  const table = str(r.table);
  const chain = str(r.chain);
  if (family === null || table === null || chain === null || !Array.isArray(r.expr)) return "bad";
  const c = ruleCounter(r.expr);
  if (c === null || c === "bad") return c;
  return {
    kind: "rule",
    family,
    table,
    chain,
    name: null,
    comment: str(r.comment),
    handle: handleOf(r.handle),
    packets: c.packets,
    bytes: c.bytes,
    summary: summariseExpr(r.expr) || null,
  };
}

function fromNamedCounter(c: Obj): NftCounter | "bad" {
  const family = str(c.family);
  const table = str(c.table);
  const name = str(c.name);
  const packets = count(c.packets);
  const bytes = count(c.bytes);
  if (family === null || table === null || name === null || packets === null || bytes === null) return "bad";
  return { kind: "named", family, table, chain: null, name, comment: str(c.comment), handle: handleOf(c.handle), packets, bytes, summary: null };
}

/**
 * `nft -j list ruleset` (or `list table`, compact or pretty-printed): every rule that
 * carries an anonymous counter and every named counter object. Rules without a counter
 * are not counters and are left out; malformed entries are skipped and counted.
 */
export function parseNftJson(text: string): ParseOutcome<NftCounters> {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) return notFormat("not nft JSON: does not start with {", 1);
  const looksNft = /^\{\s*"nftables"\s*:/.test(trimmed);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const line = errorLine(text, err);
    return looksNft ? invalid("nft JSON is truncated or broken", line) : notFormat("not JSON", line);
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) return notFormat('not nft JSON: no "nftables" array', 1);
  const counters: NftCounter[] = [];
  let skipped = 0;
  for (const item of doc.nftables) {
    if (!isObj(item)) {
      skipped++;
      continue;
    }
    if ("rule" in item) {
      const c = isObj(item.rule) ? fromRule(item.rule) : "bad";
      if (c === "bad") skipped++;
      else if (c) counters.push(c);
    } else if ("counter" in item) {
      const c = isObj(item.counter) ? fromNamedCounter(item.counter) : "bad";
      if (c === "bad") skipped++;
      else counters.push(c);
    }
    // metainfo, table, chain, set, map, quota, limit, flowtable, ct helper, element:
    // known objects that carry no counter.
  }
  const done = finish(counters);
  return parsed({ counters: done.counters }, skipped + done.dropped);
}
