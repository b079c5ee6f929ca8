import { z } from "zod";
import { macText } from "./common";
import { shortText } from "./primitives";

/** One DHCP lease the router handed out (dnsmasq's `/tmp/dhcp.leases`). */
export const dhcpLease = z.object({
  mac: macText,
  ip: z.string().min(1).max(64),
  /** null when the client sent none (`*`). */
  hostname: z.nullable(shortText),
  /** Lease end (seconds since the epoch); null for an infinite lease (0). */
  expiresSec: z.number().int().nonnegative().nullable(),
});
export type DhcpLease = z.infer<typeof dhcpLease>;

export const dhcpLeases = z.object({ leases: z.array(dhcpLease).max(4096) });
export type DhcpLeases = z.infer<typeof dhcpLeases>;
