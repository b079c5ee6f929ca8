import { z } from "zod";
import type { UciOp } from "@meshfleet/shared";
import { apInterfaces, ENCRYPTIONS, setOp, ssidParam, wpaKey } from "./common";
import type { Issue, JobTemplate } from "./types";

export const ssidParams = z.strictObject({
  ssid: ssidParam,
  key: wpaKey.optional(),
  encryption: z.enum(ENCRYPTIONS).default("psk2"),
  /** Only AP interfaces currently broadcasting this SSID (default: every AP interface). */
  match_ssid: ssidParam.optional(),
});
export type SsidParams = z.infer<typeof ssidParams>;

/** SSID, key and encryption on AP interfaces. */
export const ssidTemplate: JobTemplate<SsidParams> = {
  name: "ssid",
  description: "SSID, key and encryption on the AP interfaces (all, or those of one SSID)",
  params: ssidParams,
  secretParams: ["key"],
  validate(p) {
    const issues: Issue[] = [];
    if (p.encryption === undefined) return issues;
    if (p.encryption !== "none" && p.key === undefined) issues.push({ path: "params.key", message: `encryption ${p.encryption} needs a key` });
    if (p.encryption === "none" && p.key !== undefined) issues.push({ path: "params.key", message: "encryption none takes no key" });
    return issues;
  },
  render(p, node) {
    const aps = apInterfaces(node, p.match_ssid);
    if (aps.length === 0) return { skip: p.match_ssid === undefined ? "no AP interface" : `no AP interface with SSID ${JSON.stringify(p.match_ssid)}` };
    const ops: UciOp[] = [];
    for (const ap of aps) {
      ops.push(setOp("wireless", ap.section, "ssid", p.ssid), setOp("wireless", ap.section, "encryption", p.encryption));
      if (p.key !== undefined) ops.push(setOp("wireless", ap.section, "key", p.key));
      else if (ap.keyFingerprint !== null) ops.push({ op: "delete", config: "wireless", section: ap.section, option: "key" });
    }
    return { ops, reloads: ["wifi"] };
  },
};
