/**
 * OpenWrt release differences that change what a job writes. 21.02 replaced a radio's
 * `option hwmode '11a'|'11g'` by `option band '5g'|'2g'` (and moved bridges to
 * `config device` with `list ports`). A node's release comes from its hello
 * (`board.release.version`, e.g. `19.07.10`, `21.02.3`, `23.05-SNAPSHOT`, `SNAPSHOT`).
 */

/**
 * [major, minor] of an OpenWrt version (`19.07.10`, or as the store keeps it,
 * `OpenWrt 19.07.10`), or null when it is not a numbered release (SNAPSHOT, forks).
 */
export function releaseNumber(release: string | null | undefined): [number, number] | null {
  const m = /(?:^|\s)(\d+)\.(\d+)/.exec(release ?? "");
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** True when the node uses `band` (21.02 and later, snapshots, unknown); false for `hwmode` (before 21.02). */
export function usesBand(release: string | null | undefined): boolean {
  const n = releaseNumber(release);
  if (n === null) return true;
  return n[0] > 21 || (n[0] === 21 && n[1] >= 2);
}

export type Band = "2g" | "5g" | "6g";

/** The band of a channel number (2.4 GHz: 1–14; 5 GHz: 32–177). 6 GHz needs an explicit band. */
export function bandOfChannel(channel: number): Band {
  return channel <= 14 ? "2g" : "5g";
}

/** The 19.07 hwmode for a band. */
export function hwmodeOf(band: Band): string {
  return band === "2g" ? "11g" : "11a";
}

/** The band a radio is on, from what it reported (band, hwmode or channel). */
export function radioBand(r: { band: string | null; hwmode: string | null; channel: number | null }): Band | null {
  if (r.band === "2g" || r.band === "5g" || r.band === "6g") return r.band;
  if (r.hwmode !== null) return /a/.test(r.hwmode.replace(/^11/, "")) ? "5g" : "2g";
  if (r.channel !== null) return bandOfChannel(r.channel);
  return null;
}

/** 5 GHz channels that need DFS (radar detection) in the EU/US: 52–64 and 100–144. */
export function isDfsChannel(channel: number): boolean {
  return channel >= 52 && channel <= 144;
}
