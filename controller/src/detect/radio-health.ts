import type { RadioHealth } from "@meshfleet/shared";
import { subjectOf, type RadioEvent, type Step } from "./types";

export interface RadioHealthConfig {
  /** A channel is congested while its busy share stays at or above this (%)... */
  congestedPct: number;
  /** ...for this long (ms). */
  congestedForMs: number;
  /** It is clear again once a cycle's busy share is below this (%). */
  clearPct: number;
  /** The noise floor is raised when it is this many dB above the radio's own baseline... */
  noiseRiseDb: number;
  /** ...for this long (ms). */
  noiseForMs: number;
  /** Readings the baseline needs before the noise floor is judged. */
  baselineSamples: number;
  /** Weight of a new reading in the baseline (exponential average). */
  baselineWeight: number;
}

export const DEFAULT_RADIO_HEALTH: RadioHealthConfig = {
  congestedPct: 70,
  congestedForMs: 5 * 60_000,
  clearPct: 50,
  noiseRiseDb: 10,
  noiseForMs: 2 * 60_000,
  baselineSamples: 6,
  baselineWeight: 0.05,
};

/** One radio interface's detector state. */
export interface RadioIfaceState {
  freqMhz: number | null;
  /** First cycle of the current run at or above the congestion threshold. */
  busySince: number | null;
  congested: boolean;
  /** Noise baseline (dBm) and how many readings it holds. */
  baseline: number | null;
  samples: number;
  noiseHighSince: number | null;
  noiseRaised: boolean;
}

export type RadioHealthState = Record<string, RadioIfaceState>;

const fresh = (freqMhz: number | null): RadioIfaceState => ({ freqMhz, busySince: null, congested: false, baseline: null, samples: 0, noiseHighSince: null, noiseRaised: false });

/**
 * Radio health of one node per snapshot: a channel persistently congested (busy share at
 * or above a threshold on every cycle for a window; cleared below a lower threshold) and
 * a noise floor risen well above the radio's own baseline for a window (the baseline is
 * learned only while the floor is normal, and starts over when the radio changes
 * channel). A radio gone from the list is forgotten; an open condition ends with it.
 */
export function stepRadioHealth(prev: RadioHealthState | null, radios: readonly RadioHealth[], node: string, ts: number, cfg: RadioHealthConfig = DEFAULT_RADIO_HEALTH): Step<RadioHealthState, RadioEvent> {
  const state: RadioHealthState = {};
  const events: RadioEvent[] = [];
  for (const r of radios) {
    const subject = subjectOf.radio(node, r.iface);
    const where = { iface: r.iface, channel: r.channel, freqMhz: r.freqMhz };
    const old = prev?.[r.iface];
    let s: RadioIfaceState = old ? { ...old } : fresh(r.freqMhz);
    if (old && old.freqMhz !== r.freqMhz) {
      if (old.congested) events.push({ code: "channel_congestion_cleared", node, ts, subject, ...where, before: { busyPct: null }, after: { busyPct: null, reason: "channel changed" } });
      if (old.noiseRaised) events.push({ code: "noise_floor_normal", node, ts, subject, ...where, before: { noiseDbm: null, baselineDbm: old.baseline }, after: { noiseDbm: r.noiseDbm, baselineDbm: null, reason: "channel changed" } });
      s = fresh(r.freqMhz);
    }
    const busy = r.utilisation?.busyPct ?? null;
    if (busy !== null) {
      if (busy >= cfg.congestedPct) {
        s.busySince ??= ts;
        if (!s.congested && ts - s.busySince >= cfg.congestedForMs) {
          s.congested = true;
          events.push({ code: "channel_congested", node, ts, subject, ...where, sinceTs: s.busySince, before: null, after: { busyPct: busy, thresholdPct: cfg.congestedPct } });
        }
      } else {
        if (!s.congested || busy < cfg.clearPct) s.busySince = null;
        if (s.congested && busy < cfg.clearPct) {
          s.congested = false;
          events.push({ code: "channel_congestion_cleared", node, ts, subject, ...where, before: { busyPct: null }, after: { busyPct: busy, reason: "below the clear threshold" } });
        }
      }
    }
    const noise = r.noiseDbm;
    if (noise !== null) {
      const judged = s.baseline !== null && s.samples >= cfg.baselineSamples;
      const high = judged && noise >= s.baseline! + cfg.noiseRiseDb;
      if (high) {
        s.noiseHighSince ??= ts;
        if (!s.noiseRaised && ts - s.noiseHighSince >= cfg.noiseForMs) {
          s.noiseRaised = true;
          events.push({ code: "noise_floor_raised", node, ts, subject, ...where, sinceTs: s.noiseHighSince, before: null, after: { noiseDbm: noise, baselineDbm: round(s.baseline!), riseDb: round(noise - s.baseline!) } });
        }
      } else {
        s.noiseHighSince = null;
        if (s.noiseRaised && noise < s.baseline! + cfg.noiseRiseDb / 2) {
          s.noiseRaised = false;
          events.push({ code: "noise_floor_normal", node, ts, subject, ...where, before: { noiseDbm: null, baselineDbm: round(s.baseline!) }, after: { noiseDbm: noise, baselineDbm: round(s.baseline!), reason: "back near the baseline" } });
        }
        if (!s.noiseRaised) {
          s.baseline = s.baseline === null ? noise : s.baseline + (noise - s.baseline) * Math.max(cfg.baselineWeight, 1 / (s.samples + 1));
          s.samples++;
        }
      }
    }
    state[r.iface] = s;
  }
  for (const [iface, old] of Object.entries(prev ?? {})) {
    if (state[iface]) continue;
    const subject = subjectOf.radio(node, iface);
    const where = { iface, channel: null, freqMhz: old.freqMhz };
    if (old.congested) events.push({ code: "channel_congestion_cleared", node, ts, subject, ...where, before: { busyPct: null }, after: { busyPct: null, reason: "radio gone" } });
    if (old.noiseRaised) events.push({ code: "noise_floor_normal", node, ts, subject, ...where, before: { noiseDbm: null, baselineDbm: old.baseline }, after: { noiseDbm: null, baselineDbm: null, reason: "radio gone" } });
  }
  return { state, events };
}

const round = (v: number) => Math.round(v * 10) / 10;
