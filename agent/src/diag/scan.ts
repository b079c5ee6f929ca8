import { DIAG_SCAN_MAX_BSS, type DiagScan } from "@meshfleet/shared";
import { parseScan } from "../parsers/iw/scan";

/**
 * A scan's output as the networks it heard and the count per channel, for the controller
 * (the operator sees a table, not iw's blocks); null when the text is not a scan. Past
 * DIAG_SCAN_MAX_BSS networks the weakest are left out (counted in `omitted`); the channel
 * list still counts every one.
 */
export function scanSummary(text: string): DiagScan | null {
  const r = parseScan(text);
  if (!r.ok) return null;
  const kept = [...r.value.bss].sort((a, b) => (b.signalDbm ?? -999) - (a.signalDbm ?? -999)).slice(0, DIAG_SCAN_MAX_BSS);
  const keep = new Set(kept);
  return { bss: r.value.bss.filter((b) => keep.has(b)), channels: r.value.channels.slice(0, DIAG_SCAN_MAX_BSS), omitted: r.value.bss.length - kept.length };
}
