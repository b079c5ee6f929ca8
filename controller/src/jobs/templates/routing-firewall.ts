import { z } from "zod";
import type { UciOp } from "@meshfleet/shared";
import type { JobTemplate } from "./types";

export const ROUTING_PORTS = { ripng: 521, babel: 6696 } as const;

export const routingFirewallParams = z.strictObject({
  protocol: z.enum(["ripng", "babel"]),
  /** The firewall zone the routing packets arrive from (fw4 `src`). */
  zone: z.string().regex(/^[A-Za-z0-9_]{1,11}$/, "zone is a firewall zone name (letters, digits, _; at most 11)").default("wan"),
});
export type RoutingFirewallParams = z.infer<typeof routingFirewallParams>;

/**
 * The fw4 accept rule for the routing protocol from link-local sources (RIPng: UDP 521,
 * Babel: UDP 6696). A named section (`meshfleet_ripng`), so running the job again
 * rewrites the same rule instead of adding another.
 */
export const routingFirewallTemplate: JobTemplate<RoutingFirewallParams> = {
  name: "routing-firewall",
  description: "fw4 rule accepting RIPng (UDP 521) or Babel (UDP 6696) from fe80::/10",
  params: routingFirewallParams,
  secretParams: [],
  render(p) {
    const section = `meshfleet_${p.protocol}`;
    const set = (option: string, value: string | string[]): UciOp => ({ op: "set", config: "firewall", section, option, value });
    const ops: UciOp[] = [
      { op: "section", config: "firewall", section, type: "rule" },
      set("name", p.protocol === "ripng" ? "Allow-RIPng" : "Allow-Babel"),
      set("family", "ipv6"),
      set("proto", ["udp"]),
      set("src", p.zone),
      set("src_ip", ["fe80::/10"]),
      set("dest_port", String(ROUTING_PORTS[p.protocol])),
      set("target", "ACCEPT"),
    ];
    return { ops, reloads: ["firewall"] };
  },
};
