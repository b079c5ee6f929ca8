import { ERROR_CODES, type IpAddress, type SystemFacts } from "@meshfleet/shared";
import { parseUbusBoard } from "../parsers/ubus/index";
import { SectionRun } from "./section";
import { parseDelegatedPrefixes, parseHostname, parseIpJson, parseIpText, parseLoadavg, parseMeminfo, parseUptime } from "./system-parse";
import type { CollectContext, LinkInfo, SectionResult } from "./types";

async function readFile<T>(s: SectionRun, path: string, parse: (t: string) => T | null): Promise<T | null> {
  const argv = ["cat", path];
  const text = await s.text(argv);
  if (text === null) return null;
  const v = parse(text);
  if (v === null) s.error(ERROR_CODES.parseFormat, `${path}: unreadable content`, argv);
  return v;
}

async function addresses(s: SectionRun): Promise<{ addresses: IpAddress[]; links: LinkInfo[] }> {
  const json = ["ip", "-j", "addr", "show"];
  const text = await s.text(json, { quiet: true });
  const fromJson = text === null ? null : parseIpJson(text);
  if (fromJson) return fromJson;
  // busybox ip has no JSON: read the text form.
  const plain = ["ip", "addr", "show"];
  const t = await s.text(plain);
  return t === null ? { addresses: [], links: [] } : parseIpText(t);
}

/**
 * Board and release, hostname, uptime, load, memory, addresses (link-local included)
 * and delegated prefixes. Each part that fails is an error in this section; the parts
 * that worked are still reported. With `ctx.slow`, board and delegated prefixes are read
 * only when it asks for a refresh; in between the last good values are reported and the
 * section's `cachedFromTs` says when they were read.
 */
export async function collectSystem(ctx: CollectContext): Promise<{ result: SectionResult<SystemFacts>; links: LinkInfo[] }> {
  const s = new SectionRun(ctx, "system");
  const prefixesArgv = ["ubus", "call", "network.interface", "dump"];
  const slow = ctx.slow;
  const keptBoard = slow && !slow.refresh ? slow.board : undefined;
  const keptPrefixes = slow && !slow.refresh ? slow.prefixes : undefined;
  const [board, hostname, uptime, load, memory, addr, prefixText] = await Promise.all([
    keptBoard ? keptBoard.value : s.run(["ubus", "call", "system", "board"], parseUbusBoard),
    readFile(s, "/proc/sys/kernel/hostname", parseHostname),
    readFile(s, "/proc/uptime", parseUptime),
    readFile(s, "/proc/loadavg", parseLoadavg),
    readFile(s, "/proc/meminfo", parseMeminfo),
    addresses(s),
    keptPrefixes ? null : s.text(prefixesArgv),
  ]);
  let delegated: string[] = keptPrefixes ? keptPrefixes.value : [];
  if (prefixText !== null) {
    const p = parseDelegatedPrefixes(prefixText);
    if (p === null) s.error(ERROR_CODES.parseFormat, "not a network.interface dump", prefixesArgv);
    else delegated = p;
    if (slow) {
      if (p !== null) slow.prefixes = { value: p, ts: slow.now };
      else delete slow.prefixes;
    }
  }
  if (slow && !keptPrefixes && prefixText === null) delete slow.prefixes;
  if (slow && !keptBoard) {
    if (board !== null) slow.board = { value: board, ts: slow.now };
    else delete slow.board;
  }
  const facts: SystemFacts = {
    hostname: hostname ?? board?.hostname ?? null,
    board,
    uptimeSec: uptime,
    load,
    memory,
    addresses: addr.addresses.slice(0, 1024),
    delegatedPrefixes: delegated,
  };
  const result = s.done<SystemFacts>(facts);
  const cachedFrom = Math.min(keptBoard?.ts ?? Infinity, keptPrefixes?.ts ?? Infinity);
  if (cachedFrom !== Infinity) result.cachedFromTs = cachedFrom;
  return { result, links: addr.links };
}
