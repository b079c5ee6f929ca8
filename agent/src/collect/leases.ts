import type { DhcpLeases } from "@meshfleet/shared";
import { parseDhcpLeases } from "../parsers/dhcp/leases";
import { SectionRun } from "./section";
import type { CollectContext, SectionResult } from "./types";

export const LEASES_ARGV = ["cat", "/tmp/dhcp.leases"] as const;

/**
 * The DHCP leases the node handed out (dnsmasq's lease file): client hostnames and IPs.
 * Only the node running the DHCP server has the file; elsewhere there is none, which is
 * no leases rather than an error.
 */
export async function collectLeases(ctx: CollectContext): Promise<SectionResult<DhcpLeases>> {
  const s = new SectionRun(ctx, "leases");
  const r = await s.attempt(LEASES_ARGV);
  if ("error" in r) {
    if (/No such file/i.test(r.error.message)) return s.done({ leases: [] });
    s.record(r.error);
    return s.done(null);
  }
  return s.done(s.parsed(parseDhcpLeases(r.text), LEASES_ARGV));
}
