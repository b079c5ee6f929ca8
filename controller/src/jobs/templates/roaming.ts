import { z } from "zod";
import type { UciOp } from "@meshfleet/shared";
import { apInterfaces, bool01, ENCRYPTIONS, setOp, ssidParam, wpaKey } from "./common";
import type { JobTemplate } from "./types";

export const roamingParams = z.strictObject({
  /** The SSID whose AP interfaces get 802.11r (same SSID and key everywhere). */
  ssid: ssidParam,
  key: wpaKey,
  encryption: z.enum(ENCRYPTIONS).exclude(["none"]).default("psk2"),
  /** The 802.11r mobility domain: exactly 4 hex digits, the same on every AP of the SSID. */
  mobility_domain: z.string().regex(/^[0-9a-fA-F]{4}$/, "mobility_domain must be exactly 4 hex digits"),
  ft_over_ds: z.boolean().default(false),
  ft_psk_generate_local: z.boolean().default(true),
  /** 802.11k neighbour reports. */
  ieee80211k: z.boolean().optional(),
  /** 802.11v BSS transition management. */
  bss_transition: z.boolean().optional(),
});
export type RoamingParams = z.infer<typeof roamingParams>;

/** 802.11r fast transition on every AP interface of one SSID. */
export const roamingTemplate: JobTemplate<RoamingParams> = {
  name: "roaming",
  description: "802.11r (and optionally 802.11k/v) on every AP interface of an SSID",
  params: roamingParams,
  secretParams: ["key"],
  render(p, node) {
    const aps = apInterfaces(node, p.ssid);
    if (aps.length === 0) return { skip: `no AP interface with SSID ${JSON.stringify(p.ssid)}` };
    const ops: UciOp[] = [];
    for (const ap of aps) {
      const set = (o: string, v: string) => ops.push(setOp("wireless", ap.section, o, v));
      set("ssid", p.ssid);
      set("encryption", p.encryption);
      set("key", p.key);
      set("ieee80211r", "1");
      set("mobility_domain", p.mobility_domain.toLowerCase());
      set("ft_over_ds", bool01(p.ft_over_ds));
      set("ft_psk_generate_local", bool01(p.ft_psk_generate_local));
      if (p.ieee80211k !== undefined) set("ieee80211k", bool01(p.ieee80211k));
      if (p.bss_transition !== undefined) set("bss_transition", bool01(p.bss_transition));
    }
    return { ops, reloads: ["wifi"] };
  },
};
