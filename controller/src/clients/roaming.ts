import type { WirelessConfig } from "@meshfleet/shared";
import type { StoredEvent } from "../detect/churn-score";

type Roamed = Extract<StoredEvent, { code: "station_roamed" }>;

export interface RoamStats {
  roams: number;
  medianGapMs: number | null;
  p95GapMs: number | null;
  /** Roams whose gap was above the slow threshold. */
  slow: number;
}

export interface RoamingQuality {
  from: number;
  to: number;
  slowMs: number;
  fleet: RoamStats & {
    /** Clients that disconnected without reassociating anywhere within the roam window. */
    failed: number;
  };
  /** Per directed AP pair (`from` node -> `to` node), most roams first. */
  pairs: (RoamStats & { from: string; to: string })[];
  /** Per SSID: whether the APs serving it run 802.11r (fast transition). */
  ft: { ssid: string; aps: number; withFt: number; inUse: "yes" | "no" | "mixed" }[];
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function stats(gaps: number[], slowMs: number): RoamStats {
  const s = [...gaps].sort((a, b) => a - b);
  return { roams: s.length, medianGapMs: percentile(s, 50), p95GapMs: percentile(s, 95), slow: s.filter((g) => g > slowMs).length };
}

/**
 * Roaming quality over a window from the detection's events (pure): roams, median and
 * p95 gap, slow roams (gap above `slowMs`) and failed ones (`station_left`: gone without
 * reassociating elsewhere), fleet-wide and per AP pair; and per SSID whether its APs use
 * 802.11r, from the wireless configuration the nodes reported.
 */
export function roamingQuality(events: readonly StoredEvent[], wireless: ReadonlyMap<string, WirelessConfig>, q: { from: number; to: number; slowMs: number }): RoamingQuality {
  const roams = events.filter((e): e is Roamed => e.code === "station_roamed" && e.ts >= q.from && e.ts < q.to);
  const failed = events.filter((e) => e.code === "station_left" && e.ts >= q.from && e.ts < q.to).length;
  const byPair = new Map<string, { from: string; to: string; gaps: number[] }>();
  for (const r of roams) {
    const k = `${r.before.node}\u0000${r.after.node}`;
    let p = byPair.get(k);
    if (!p) byPair.set(k, (p = { from: r.before.node, to: r.after.node, gaps: [] }));
    p.gaps.push(r.gapMs);
  }
  const pairs = [...byPair.values()]
    .map((p) => ({ from: p.from, to: p.to, ...stats(p.gaps, q.slowMs) }))
    .sort((a, b) => b.roams - a.roams || (a.from + a.to < b.from + b.to ? -1 : 1));
  const ssids = new Map<string, { aps: number; withFt: number }>();
  for (const cfg of wireless.values()) {
    for (const i of cfg.interfaces) {
      if (i.mode !== "ap" || !i.ssid || i.disabled === true) continue;
      const e = ssids.get(i.ssid) ?? { aps: 0, withFt: 0 };
      e.aps++;
      if (i.ieee80211r === true) e.withFt++;
      ssids.set(i.ssid, e);
    }
  }
  const ft = [...ssids.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ssid, e]) => ({ ssid, ...e, inUse: e.withFt === 0 ? ("no" as const) : e.withFt === e.aps ? ("yes" as const) : ("mixed" as const) }));
  return { from: q.from, to: q.to, slowMs: q.slowMs, fleet: { ...stats(roams.map((r) => r.gapMs), q.slowMs), failed }, pairs, ft };
}
