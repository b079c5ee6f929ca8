import type { IpAddress } from "@meshfleet/shared";
import type { LinkInfo } from "./types";

/**
 * Small pure readers for the system facts (`/proc` files, `ip`, ubus network dump).
 * Like the parsers they never throw: unreadable input gives null / empty results.
 */

/** `/proc/uptime`: `350735.47 234388.90` -> seconds up. */
export function parseUptime(text: string): number | null {
  const v = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(v) && v >= 0 ? v : null;
}

/** `/proc/loadavg`: `0.08 0.03 0.01 1/61 1234`. */
export function parseLoadavg(text: string): [number, number, number] | null {
  const parts = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  return [parts[0]!, parts[1]!, parts[2]!];
}

/** `/proc/meminfo` (kB). Old kernels have no MemAvailable. */
export function parseMeminfo(text: string): { totalKb: number; freeKb: number; availableKb: number | null } | null {
  const kv = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) kv.set(m[1]!, Number(m[2]));
  }
  const total = kv.get("MemTotal");
  const free = kv.get("MemFree");
  if (total === undefined || free === undefined) return null;
  return { totalKb: total, freeKb: free, availableKb: kv.get("MemAvailable") ?? null };
}

/** Hostname file: first line, trimmed, lower-cased; null when empty. */
export function parseHostname(text: string): string | null {
  const h = (text.split("\n", 1)[0] ?? "").trim();
  return h ? h.slice(0, 256) : null;
}

function scopeOf(s: unknown): IpAddress["scope"] {
  return s === "link" || s === "global" || s === "host" || s === "site" ? s : "other";
}

/** `ip -j addr show`: addresses and link MACs. */
export function parseIpJson(text: string): { addresses: IpAddress[]; links: LinkInfo[] } | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(data)) return null;
  const addresses: IpAddress[] = [];
  const links: LinkInfo[] = [];
  for (const link of data as unknown[]) {
    if (typeof link !== "object" || link === null) continue;
    const l = link as { ifname?: unknown; address?: unknown; link_type?: unknown; addr_info?: unknown };
    if (typeof l.ifname !== "string") continue;
    const mac = typeof l.address === "string" && l.link_type !== "loopback" && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(l.address) ? l.address.toLowerCase() : null;
    links.push({ name: l.ifname, mac });
    if (!Array.isArray(l.addr_info)) continue;
    for (const a of l.addr_info as unknown[]) {
      if (typeof a !== "object" || a === null) continue;
      const ai = a as { family?: unknown; local?: unknown; prefixlen?: unknown; scope?: unknown };
      if ((ai.family !== "inet" && ai.family !== "inet6") || typeof ai.local !== "string" || typeof ai.prefixlen !== "number") continue;
      addresses.push({ iface: l.ifname, address: ai.local, prefixLen: ai.prefixlen, family: ai.family, scope: scopeOf(ai.scope) });
    }
  }
  return { addresses, links };
}

/** `ip addr show` text (busybox `ip` has no `-j`): addresses and link MACs. */
export function parseIpText(text: string): { addresses: IpAddress[]; links: LinkInfo[] } {
  const addresses: IpAddress[] = [];
  const links: LinkInfo[] = [];
  let current: LinkInfo | null = null;
  for (const line of text.split("\n")) {
    const head = /^\d+:\s+([^:@\s]+)(?:@[^:\s]+)?:/.exec(line);
    if (head) {
      current = { name: head[1]!, mac: null };
      links.push(current);
      continue;
    }
    if (!current) continue;
    const ether = /^\s+link\/ether\s+([0-9a-fA-F:]{17})/.exec(line);
    if (ether) {
      current.mac = ether[1]!.toLowerCase();
      continue;
    }
    const inet = /^\s+(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)(?:.*?\sscope\s+(\w+))?/.exec(line);
    if (inet) {
      addresses.push({ iface: current.name, address: inet[2]!, prefixLen: Number(inet[3]), family: inet[1] as "inet" | "inet6", scope: scopeOf(inet[4]) });
    }
  }
  return { addresses, links };
}

/** `ubus call network.interface dump`: every `ipv6-prefix` as `address/mask`, sorted, unique. */
export function parseDelegatedPrefixes(text: string): string[] | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const list = (data as { interface?: unknown } | null)?.interface;
  if (!Array.isArray(list)) return null;
  const out = new Set<string>();
  for (const iface of list as unknown[]) {
    const prefixes = (iface as { "ipv6-prefix"?: unknown } | null)?.["ipv6-prefix"];
    if (!Array.isArray(prefixes)) continue;
    for (const p of prefixes as unknown[]) {
      const { address, mask } = (p ?? {}) as { address?: unknown; mask?: unknown };
      if (typeof address === "string" && typeof mask === "number") out.add(`${address}/${mask}`);
    }
  }
  return [...out].sort().slice(0, 64);
}
