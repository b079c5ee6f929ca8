import { describe, expect, it } from "vitest";
import { surveyDump } from "@meshfleet/shared";
import { inUseChannel, parseSurveyDump } from "./index";
import { failed, ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("iw", name, { stripHeader: true });

describe("parseSurveyDump", () => {
  it("ath10k after a scan: nine channels, the in-use one first with extension busy time", () => {
    const r = ok(parseSurveyDump(fixture("survey-dump-ath10k-5g-all-channels-ext-busy.txt")));
    expect(r.skipped).toBe(0);
    expect(r.channels.map((c) => c.freqMhz)).toEqual([5180, 5200, 5220, 5240, 5260, 5280, 5300, 5320, 5500, 5520]);
    expect(r.channels.filter((c) => c.inUse)).toHaveLength(1);
    expect(inUseChannel(r, "mesh0")).toEqual({
      iface: "mesh0",
      freqMhz: 5180,
      inUse: true,
      noiseDbm: -101,
      activeMs: 48211377,
      busyMs: 21093112,
      extBusyMs: 4410927,
      rxMs: 15102233,
      bssRxMs: null,
      txMs: 2204817,
    });
    expect(surveyDump.safeParse(r).success).toBe(true);
  });

  it("OpenWrt's BSS receive time and the in-use channel in the middle", () => {
    const r = ok(parseSurveyDump(fixture("survey-dump-mt76-openwrt-2g-bss-receive-time.txt")));
    expect(r.channels).toHaveLength(3);
    const c = inUseChannel(r, "phy0-ap0");
    expect(c).toMatchObject({ freqMhz: 2437, noiseDbm: -89, activeMs: 79249139, busyMs: 42716927, rxMs: 37057520, bssRxMs: 21077003, txMs: 595839, extBusyMs: null });
    expect(r.channels[0]).toMatchObject({ freqMhz: 2412, inUse: false, bssRxMs: 0 });
  });

  it("old iw: frequency and noise only", () => {
    const r = ok(parseSurveyDump(fixture("survey-dump-old-iw-frequency-noise-only.txt")));
    expect(r.channels.map((c) => [c.freqMhz, c.inUse, c.noiseDbm, c.activeMs])).toEqual([
      [2412, false, -95, null],
      [2437, true, -93, null],
      [2462, false, null, null],
    ]);
  });

  it("only the in-use channel, no noise, a header without data and no final newline", () => {
    const r = ok(parseSurveyDump(fixture("survey-dump-in-use-only-no-noise-missing-data.txt")));
    expect(r.channels).toEqual([
      { iface: "wlan1", freqMhz: 5745, inUse: true, noiseDbm: null, activeMs: 3632802379, busyMs: 146150367, extBusyMs: null, rxMs: 67413467, bssRxMs: null, txMs: 76785952 },
    ]);
    expect(r.skipped).toBe(0);
  });

  it("spaces for tabs, CRLF, an S1G fraction, unknown and broken lines skipped and counted", () => {
    const text = [
      "Survey data from wlan9",
      "    frequency:   902.5 MHz [in use]",
      "    noise:  -97 dBm",
      "    channel   active time:  1000 ms",
      "    channel busy time: lots ms",
      "    channel scan time: 12 ms",
      "    noise: -300 dBm",
      "",
    ].join("\r\n");
    const r = ok(parseSurveyDump(text));
    expect(r.channels).toEqual([{ iface: "wlan9", freqMhz: 902.5, inUse: true, noiseDbm: -97, activeMs: 1000, busyMs: null, extBusyMs: null, rxMs: null, bssRxMs: null, txMs: null }]);
    expect(r.skipped).toBe(3);
  });

  it("empty output is no channels; other text is not this format", () => {
    expect(ok(parseSurveyDump("")).channels).toEqual([]);
    expect(failed(parseSurveyDump("Station 02:00:00:00:00:01 (on wlan0)\n\tsignal: -50 dBm\n"))).toEqual({ code: "E_PARSE_FORMAT", line: 1 });
  });

  it("more channels than the wire allows is an invalid value, not a truncated list", () => {
    const text = Array.from({ length: 1100 }, (_, i) => `Survey data from wlan0\n\tfrequency:\t\t\t${2000 + i} MHz\n`).join("");
    expect(failed(parseSurveyDump(text)).code).toBe("E_PARSE_INVALID");
  });
});
