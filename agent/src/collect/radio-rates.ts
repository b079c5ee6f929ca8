import type { ChannelUtilisation, SurveyChannel } from "@meshfleet/shared";

const pct = (part: number, whole: number): number => Math.min(100, Math.max(0, Math.round((part * 10000) / whole) / 100));

/**
 * Channel utilisation between two survey readings of one interface: busy, receive and
 * transmit time as a percentage of the channel's active time in between. The counters
 * are cumulative since the driver started, so null when there is no earlier reading,
 * the channel changed, no time passed, or any counter went down (driver reload, reboot).
 */
export function channelUtilisation(prev: SurveyChannel | null | undefined, cur: SurveyChannel | null): ChannelUtilisation | null {
  if (!prev || !cur || prev.freqMhz !== cur.freqMhz) return null;
  if (cur.activeMs === null || prev.activeMs === null || cur.busyMs === null || prev.busyMs === null) return null;
  const active = cur.activeMs - prev.activeMs;
  const busy = cur.busyMs - prev.busyMs;
  if (active <= 0 || busy < 0) return null;
  const part = (a: number | null, b: number | null): number | null | "reset" => {
    if (a === null || b === null) return null;
    return a < b ? "reset" : pct(a - b, active);
  };
  const rx = part(cur.rxMs, prev.rxMs);
  const tx = part(cur.txMs, prev.txMs);
  if (rx === "reset" || tx === "reset") return null;
  return { activeMs: active, busyPct: pct(busy, active), rxPct: rx, txPct: tx };
}
