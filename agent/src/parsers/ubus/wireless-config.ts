import type { RadioConfig, WifiIfaceConfig, WirelessConfig, WirelessStatus } from "@meshfleet/shared";
import { sha256Fingerprint } from "./fingerprint";
import { bool, clip } from "./read";

export interface WirelessConfigOptions {
  /** Hashes `ssid-or-meshid + "\n" + key`; must return 16 lower-case hex digits. Default: sha256, first 16 hex. */
  fingerprint?: (s: string) => string;
}

const str = (v: unknown): string | null => (typeof v === "string" ? clip(v) : typeof v === "number" && Number.isFinite(v) ? String(v) : null);

function channel(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,4}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : null; // "auto" and garbage: unknown
}

/** UCI lists come as arrays (`"network": ["lan"]`); join them with spaces like UCI does. */
function listText(v: unknown): string | null {
  if (Array.isArray(v)) {
    const parts = v.map(str).filter((x): x is string => x !== null);
    return parts.length ? clip(parts.join(" ")) : null;
  }
  return str(v);
}

const cmp = (a: string | null, b: string | null): number => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);

/**
 * The wireless configuration as the router runs it, from `network.wireless status`.
 * The key never leaves this function: only `keyFingerprint` =
 * fingerprint(ssid-or-mesh_id + "\n" + key) (mesh interfaces use mesh_id first, others
 * ssid first); null when there is no key or the fingerprint is not 16 hex digits.
 * Radios sorted by name, interfaces by (device, section, ifname).
 */
export function wirelessConfigFromStatus(status: WirelessStatus, opts: WirelessConfigOptions = {}): WirelessConfig {
  const fingerprint = opts.fingerprint ?? sha256Fingerprint;
  const radios: RadioConfig[] = [];
  const interfaces: WifiIfaceConfig[] = [];
  for (const r of status.radios) {
    const c = r.config;
    radios.push({
      name: clip(r.name),
      channel: channel(c.channel),
      band: str(c.band),
      hwmode: str(c.hwmode),
      htmode: str(c.htmode),
      disabled: r.disabled ?? bool(c.disabled),
    });
    for (const i of r.interfaces) {
      const ic = i.config;
      const mode = str(ic.mode);
      const ssid = str(ic.ssid);
      const meshId = str(ic.mesh_id);
      const key = str(ic.key);
      const name = mode === "mesh" ? (meshId ?? ssid) : (ssid ?? meshId);
      let keyFingerprint: string | null = null;
      if (key !== null && key !== "") {
        const fp = fingerprint(`${name ?? ""}\n${typeof ic.key === "string" ? ic.key : key}`);
        keyFingerprint = /^[0-9a-f]{16}$/.test(fp) ? fp : null;
      }
      interfaces.push({
        section: i.section,
        ifname: i.ifname,
        device: str(ic.device) ?? clip(r.name),
        mode,
        ssid,
        meshId,
        encryption: str(ic.encryption),
        keyFingerprint,
        ieee80211r: bool(ic.ieee80211r),
        mobilityDomain: str(ic.mobility_domain),
        ftOverDs: bool(ic.ft_over_ds),
        ieee80211k: bool(ic.ieee80211k),
        bssTransition: bool(ic.bss_transition),
        network: listText(ic.network),
        disabled: bool(ic.disabled),
      });
    }
  }
  radios.sort((a, b) => cmp(a.name, b.name));
  interfaces.sort((a, b) => cmp(a.device, b.device) || cmp(a.section, b.section) || cmp(a.ifname, b.ifname));
  return { radios: radios.slice(0, 16), interfaces: interfaces.slice(0, 64) };
}
