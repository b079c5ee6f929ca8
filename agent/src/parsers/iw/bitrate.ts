import type { BitrateInfo } from "@meshfleet/shared";
import { decimal, int, tokens } from "./text";

/**
 * Decodes an `iw` bitrate (iw `parse_bitrate`): `<rate> MBit/s` or `(unknown)`, then
 * tokens in any order — `MCS n` (HT), `VHT-MCS n`/`VHT-NSS n`, `HE-MCS n`/`HE-NSS n`/
 * `HE-GI n`/`HE-DCM n`/`HE-RU-ALLOC n`, `EHT-MCS n`/`EHT-NSS n`/…, `S1G-MCS n`,
 * width flags (`40MHz`, `80MHz`, `80P80MHz`, `160MHz`, `320MHz`, `1MHz`…), `short GI`.
 *
 * Decoded, not invented: an HT MCS index 0–32 carries its stream count (MCS 13 = 2
 * streams); iw prints no width token for 20 MHz, so an HT/VHT/HE/EHT rate without one
 * (and without an RU allocation) is 20 MHz. Legacy rates keep a width only when printed.
 * Returns null when the text is not a bitrate at all.
 */
export function parseBitrate(text: string): BitrateInfo | null {
  const t = tokens(text);
  let i: number;
  let mbps: number | null = null;
  if (t[0] === "(unknown)") i = 1;
  else if (t[1] !== undefined && /^mbit\/s$/i.test(t[1]) && decimal(t[0]) !== null) {
    mbps = decimal(t[0]);
    i = 2;
  } else {
    const glued = /^(\d+(?:\.\d+)?)MBit\/s$/i.exec(t[0] ?? "");
    if (!glued) return null;
    mbps = decimal(glued[1]);
    i = 1;
  }

  let mode: BitrateInfo["mode"] = null;
  let rank = 0;
  let mcs: number | null = null;
  let nss: number | null = null;
  let widthMhz: number | null = null;
  let shortGi = false;
  let ruAlloc = false;

  for (; i < t.length; i++) {
    const tok = (t[i] as string).toUpperCase();
    const arg = int(t[i + 1]);
    const width = /^(\d{1,4})MHZ$/.exec(tok);
    if (width) widthMhz = Number(width[1]);
    else if (tok === "80P80MHZ") widthMhz = 160;
    else if (tok === "SHORT" && t[i + 1]?.toUpperCase() === "GI") {
      shortGi = true;
      i++;
    } else if (arg !== null && NUMBERED.has(tok)) {
      const what = NUMBERED.get(tok);
      i++;
      if (what === "nss") nss = arg;
      else if (what === "ru") ruAlloc = true;
      else if (what !== "other" && what !== undefined) {
        const r = MODE_RANK[what];
        if (r >= rank) {
          mcs = arg;
          rank = r;
          mode = what === "s1g" ? mode : what;
        }
      }
    } else if (tok === "HE-RU-ALLOC" || tok === "EHT-RU-ALLOC") ruAlloc = true;
  }

  if (mode === "ht" && nss === null && mcs !== null) nss = htStreams(mcs);
  if (mode === null && mcs === null && mbps !== null) mode = "legacy";
  if (widthMhz === null && mode !== null && mode !== "legacy" && !ruAlloc) widthMhz = 20;
  return { mbps, mode, mcs, nss, widthMhz, shortGi };
}

type Numbered = "ht" | "vht" | "he" | "eht" | "s1g" | "nss" | "ru" | "other";

/** Tokens followed by a number, and what the number is. */
const NUMBERED: ReadonlyMap<string, Numbered> = new Map<string, Numbered>([
  ["MCS", "ht"],
  ["VHT-MCS", "vht"],
  ["HE-MCS", "he"],
  ["EHT-MCS", "eht"],
  ["S1G-MCS", "s1g"],
  ["VHT-NSS", "nss"],
  ["HE-NSS", "nss"],
  ["EHT-NSS", "nss"],
  ["S1G-NSS", "nss"],
  ["HE-RU-ALLOC", "ru"],
  ["EHT-RU-ALLOC", "ru"],
  ["HE-GI", "other"],
  ["HE-DCM", "other"],
  ["EHT-GI", "other"],
]);

/** When several MCS tokens appear, the newest PHY names the mode. */
const MODE_RANK = { s1g: 0, ht: 1, vht: 2, he: 3, eht: 4 } as const;

/** Spatial streams of an HT MCS index (0–7: 1, 8–15: 2, 16–23: 3, 24–31: 4, 32: 1). */
function htStreams(mcs: number): number | null {
  if (mcs >= 0 && mcs <= 31) return Math.floor(mcs / 8) + 1;
  return mcs === 32 ? 1 : null;
}
