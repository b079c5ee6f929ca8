import { describe, expect, it } from "vitest";
import { radioView, type SurveyChannel } from "@meshfleet/shared";
import { CannedRouter } from "../../testing/canned-router";
import { collectAll } from "./index";
import { channelUtilisation } from "./radio-rates";
import type { CollectContext } from "./types";

const ch = (over: Partial<SurveyChannel>): SurveyChannel => ({
  iface: "wlan0",
  freqMhz: 5180,
  inUse: true,
  noiseDbm: -95,
  activeMs: 1000,
  busyMs: 100,
  extBusyMs: null,
  rxMs: 50,
  bssRxMs: null,
  txMs: 10,
  ...over,
});

describe("channelUtilisation", () => {
  it("busy, receive and transmit time over the active time in between", () => {
    expect(channelUtilisation(ch({}), ch({ activeMs: 11_000, busyMs: 4_100, rxMs: 3_050, txMs: 510 }))).toEqual({ activeMs: 10_000, busyPct: 40, rxPct: 30, txPct: 5 });
  });
  it("no rate without an earlier reading, on another channel, with no time passed, or after a reset", () => {
    expect(channelUtilisation(null, ch({}))).toBeNull();
    expect(channelUtilisation(ch({}), ch({ freqMhz: 5200, activeMs: 2000 }))).toBeNull();
    expect(channelUtilisation(ch({}), ch({}))).toBeNull();
    expect(channelUtilisation(ch({ activeMs: 9_000_000, busyMs: 5_000_000 }), ch({ activeMs: 10_000, busyMs: 3_000 }))).toBeNull();
    expect(channelUtilisation(ch({}), ch({ activeMs: 2000, busyMs: 200, rxMs: 40 }))).toBeNull();
  });
  it("missing receive/transmit times leave only busy", () => {
    expect(channelUtilisation(ch({ rxMs: null, txMs: null }), ch({ activeMs: 2000, busyMs: 350, rxMs: null, txMs: null }))).toEqual({ activeMs: 1000, busyPct: 25, rxPct: null, txPct: null });
  });
});

describe("radio section", () => {
  it("per interface: channel, power, noise, clients, peers; utilisation from the second cycle on", async () => {
    const router = new CannedRouter({ stations: 6 });
    const ctx: CollectContext = { runner: router, timeoutMs: 1000, routing: "auto", memo: {} };
    const first = await collectAll(ctx);
    const r1 = first.sections.radios;
    expect(r1?.errors).toEqual([]);
    expect(radioView.safeParse(r1?.data).success).toBe(true);
    expect(r1?.data?.radios.map((r) => [r.iface, r.band, r.channel, r.freqMhz, r.widthMhz, r.txPowerDbm, r.noiseDbm, r.clients, r.peers, r.utilisation])).toEqual([
      ["mesh0", "5", 36, 5180, 80, 20, -95, 0, 3, null],
      ["wlan0", "2.4", 6, 2437, 20, 20, -95, 3, null, null],
    ]);
    // Ten seconds of channel time later, 60% of it busy.
    const later = router.answers.get("iw dev mesh0 survey dump") as string;
    router.answers.set("iw dev mesh0 survey dump", later.replace("3601000 ms", "3611000 ms").replace("1080300 ms", "1086300 ms").replace("720200 ms", "724200 ms").replace("180050 ms", "181050 ms"));
    const second = await collectAll(ctx);
    expect(second.sections.radios?.data?.radios[0]?.utilisation).toEqual({ activeMs: 10_000, busyPct: 60, rxPct: 40, txPct: 10 });
    expect(second.sections.radios?.data?.radios[1]?.utilisation).toBeNull();
  });

  it("a failing survey is an error of the section; the radio keeps its channel and counts", async () => {
    const router = new CannedRouter();
    router.answers.set("iw dev wlan0 survey dump", { stderr: "command failed: Operation not supported (-95)\n", exitCode: 161 });
    const c = await collectAll({ runner: router, timeoutMs: 1000, routing: "auto", memo: {} });
    const r = c.sections.radios;
    expect(r?.errors.map((e) => [e.code, e.command])).toEqual([["E_COMMAND_FAILED", "iw dev wlan0 survey dump"]]);
    expect(r?.data?.radios.find((x) => x.iface === "wlan0")).toMatchObject({ channel: 6, noiseDbm: null, survey: null, utilisation: null, clients: 3 });
  });
});
