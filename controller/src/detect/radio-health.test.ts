import { describe, expect, it } from "vitest";
import type { RadioHealth } from "@meshfleet/shared";
import { actionsForEvent } from "./alert-rules";
import { DEFAULT_RADIO_HEALTH, stepRadioHealth, type RadioHealthState } from "./radio-health";
import type { RadioEvent } from "./types";

const radio = (busyPct: number | null, noiseDbm: number | null, freqMhz = 2437): RadioHealth => ({
  iface: "wlan0",
  phy: "phy0",
  type: "AP",
  band: "2.4",
  channel: freqMhz === 2437 ? 6 : 11,
  freqMhz,
  widthMhz: 20,
  txPowerDbm: 20,
  noiseDbm,
  survey: null,
  utilisation: busyPct === null ? null : { activeMs: 10_000, busyPct, rxPct: null, txPct: null },
  clients: 4,
  meshId: null,
  peers: null,
});

/** Feeds readings every 10 s from t = 0; returns the events with the time they came at. */
function run(readings: RadioHealth[][], state: RadioHealthState | null = null) {
  let s = state;
  const out: { t: number; code: string; e: RadioEvent }[] = [];
  readings.forEach((r, i) => {
    const step = stepRadioHealth(s, r, "ap-1", i * 10_000);
    s = step.state;
    for (const e of step.events) out.push({ t: i * 10_000, code: e.code, e });
  });
  return { state: s, events: out };
}

const times = (n: number, f: (i: number) => RadioHealth) => Array.from({ length: n }, (_, i) => [f(i)]);

describe("channel congestion", () => {
  it("raised after the busy share stayed at or above 70% for 5 minutes, cleared below 50%", () => {
    // 3 quiet cycles, 40 congested (t = 30 s .. 420 s), 2 at 60% (still congested), then 30%.
    const r = run([...times(3, () => radio(30, -92)), ...times(40, () => radio(85, -92)), ...times(2, () => radio(60, -92)), ...times(1, () => radio(30, -92))]);
    expect(r.events.map((x) => [x.t, x.code])).toEqual([
      [330_000, "channel_congested"],
      [450_000, "channel_congestion_cleared"],
    ]);
    expect(r.events[0]!.e).toMatchObject({ subject: "radio:ap-1:wlan0", sinceTs: 30_000, channel: 6, after: { busyPct: 85, thresholdPct: 70 } });
  });

  it("one quiet cycle inside the window starts the window over; missing utilisation neither counts nor resets", () => {
    const readings = [...times(20, () => radio(90, -92)), [radio(20, -92)], ...times(10, () => radio(90, -92)), [radio(null, -92)], ...times(20, () => radio(90, -92))];
    const r = run(readings);
    // The run restarts at cycle 21 (t = 210 s): raised 300 s later at t = 510 s.
    expect(r.events.map((x) => [x.t, x.code])).toEqual([[510_000, "channel_congested"]]);
  });
});

describe("noise floor", () => {
  it("raised when 10 dB above the radio's own baseline for 2 minutes; normal again near the baseline", () => {
    const r = run([...times(30, (i) => radio(20, i % 2 === 0 ? -95 : -94)), ...times(14, () => radio(20, -82)), ...times(3, () => radio(20, -93))]);
    expect(r.events.map((x) => [x.t, x.code])).toEqual([
      [420_000, "noise_floor_raised"],
      [440_000, "noise_floor_normal"],
    ]);
    const raised = r.events[0]!.e;
    expect(raised).toMatchObject({ sinceTs: 300_000, after: { noiseDbm: -82, baselineDbm: -94.5, riseDb: 12.5 } });
  });

  it("a radio with a noisy baseline of its own is judged against it, not an absolute floor", () => {
    const r = run(times(60, () => radio(20, -80)));
    expect(r.events).toEqual([]);
    expect(r.state?.wlan0?.baseline).toBe(-80);
  });

  it("no judgement before six readings; a channel change starts the baseline over and ends an open condition", () => {
    const learning = run(times(20, (i) => radio(20, i < 3 ? -95 : -70)), null);
    // Learned from the first readings (their mean), then judged: -70 is 10+ dB above -82.5 from the 7th reading on.
    expect(learning.events.map((x) => [x.t, x.code])).toEqual([[180_000, "noise_floor_raised"]]);
    expect(learning.events[0]!.e).toMatchObject({ sinceTs: 60_000, after: { baselineDbm: -82.5 } });
    const r = run([...times(10, () => radio(90, -95)), ...times(40, () => radio(90, -80)), [radio(90, -80, 2462)]]);
    expect(r.events.map((x) => [x.t, x.code])).toEqual([
      [220_000, "noise_floor_raised"],
      [300_000, "channel_congested"],
      [500_000, "channel_congestion_cleared"],
      [500_000, "noise_floor_normal"],
    ]);
    expect(r.state?.wlan0).toMatchObject({ freqMhz: 2462, samples: 1, baseline: -80, congested: false, busySince: 500_000 });
  });
});

it("alerts: raise with the numbers in the summary, resolve on the clearing event", () => {
  const r = run(times(32, () => radio(88, -92)));
  const e = { ...r.events[0]!.e, id: 7 };
  const [a] = actionsForEvent(e);
  expect(a).toMatchObject({ type: "raise", input: { code: "channel_congested", subject: "radio:ap-1:wlan0", node: "ap-1", severity: "warning" } });
  expect(a?.type === "raise" && a.input.summary).toBe("ap-1 wlan0: channel 6 busy 88% of the time (at or above 70% since 00:00:00 UTC on 1 Jan 1970)");
  const cleared = stepRadioHealth(r.state, [radio(10, -92)], "ap-1", 400_000).events[0]!;
  expect(actionsForEvent({ ...cleared, id: 8 })).toEqual([{ type: "resolve", code: "channel_congested", subject: "radio:ap-1:wlan0", eventIds: [8], summary: "below the clear threshold" }]);
  expect(DEFAULT_RADIO_HEALTH.congestedPct).toBe(70);
});
