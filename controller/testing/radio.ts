import type { RadioHealth, Snapshot } from "@meshfleet/shared";

/** A radio entry as the agent reports it (test support). */
export function radioEntry(over: Partial<RadioHealth> & { iface: string }): RadioHealth {
  return {
    phy: "phy0",
    type: "AP",
    band: "2.4",
    channel: 6,
    freqMhz: 2437,
    widthMhz: 20,
    txPowerDbm: 20,
    noiseDbm: -92,
    survey: null,
    utilisation: null,
    clients: 0,
    meshId: null,
    peers: null,
    ...over,
  };
}

/** The snapshot with a radios section. */
export function withRadios(s: Snapshot, radios: RadioHealth[]): Snapshot {
  return { ...s, radios: { data: { radios }, errors: [], skipped: 0 } };
}

/** Utilisation as the agent computes it for a 10 s cycle. */
export const util = (busyPct: number, rxPct: number | null = null, txPct: number | null = null) => ({ activeMs: 10_000, busyPct, rxPct, txPct });
