import type { DhcpLease, DhcpLeases } from "@meshfleet/shared";
import { notFormat, parsed, type ParseOutcome } from "../types";
import { MAX_LINE, looksLikeMac, macText, shortText, splitLines, tokens } from "../iw/text";

const MAX_LEASES = 4096;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:]{2,39}$/i;

/**
 * dnsmasq's lease file (`/tmp/dhcp.leases` on OpenWrt): one line per IPv4 lease,
 * `<expiry epoch s> <mac> <ip> <hostname|*> <client-id|*>`; a `duid <server duid>` line
 * starts the DHCPv6 leases, `<expiry> <iaid> <ipv6> <hostname|*> <client duid>`, which
 * carry no MAC and are skipped (counted). Expiry 0 is an infinite lease. Sorted by MAC,
 * then IP. An empty file is no leases.
 */
export function parseDhcpLeases(text: string): ParseOutcome<DhcpLeases> {
  const out: DhcpLease[] = [];
  let skipped = 0;
  let good = 0;
  let first: number | null = null;
  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] as string;
    if (raw.length > MAX_LINE) {
      skipped++;
      continue;
    }
    const t = tokens(raw);
    if (t.length === 0) continue;
    first ??= n + 1;
    if (t[0] === "duid" && t.length === 2) {
      good++;
      continue;
    }
    const [exp, mac, ip, host] = t as [string, string | undefined, string | undefined, string | undefined];
    if (t.length < 4 || t.length > 5 || !/^\d{1,12}$/.test(exp) || ip === undefined || mac === undefined) {
      skipped++;
      continue;
    }
    if (!looksLikeMac(mac)) {
      // A DHCPv6 lease (IAID, IPv6 address) is recognised but has no MAC to tie it to a station.
      if (/^\d{1,10}$/.test(mac) && IPV6.test(ip)) good++;
      skipped++;
      continue;
    }
    if (!IPV4.test(ip) && !(IPV6.test(ip) && ip.includes(":"))) {
      skipped++;
      continue;
    }
    if (out.length >= MAX_LEASES) {
      skipped++;
      continue;
    }
    const e = Number(exp);
    out.push({ mac: macText(mac), ip, hostname: host === undefined || host === "*" ? null : shortText(host), expiresSec: e === 0 ? null : e });
    good++;
  }
  if (good === 0 && first !== null) return notFormat("not a dnsmasq lease file: no `<expiry> <mac> <ip> <hostname> <client-id>` line", first);
  out.sort((a, b) => (a.mac === b.mac ? (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0) : a.mac < b.mac ? -1 : 1));
  return parsed({ leases: out }, skipped);
}
