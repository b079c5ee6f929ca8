import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { channelOf, parseScan } from "./scan";
import { failed, ok, parserFixture } from "../../../testing/parser-outcomes";
import { forEachMutated } from "../../../testing/mutated";

const fixture = (name: string): string => parserFixture("iw", name, { stripHeader: true });

describe("parseScan", () => {
  it("2.4 GHz: the associated AP, a hidden network, an open one and a WPA1 one; channels summarised", () => {
    const r = ok(parseScan(fixture("scan-2g-associated-hidden-open-wpa1.txt")));
    expect(r.bss.map((b) => [b.bssid, b.freqMhz, b.channel, b.signalDbm, b.ssid, b.security, b.associated, b.lastSeenMs])).toEqual([
      ["02:cc:00:00:03:03", 2412, 1, -85, "Cafe Free WiFi", "open", false, 3960],
      ["02:aa:00:00:01:01", 2437, 6, -41, "meshfleet", "wpa2", true, 0],
      ["02:bb:00:00:02:02", 2437, 6, -78, null, "wpa2", false, 1520],
      ["02:dd:00:00:04:04", 2462, 11, -90, "OldPrinter", "wpa", false, 8800],
    ]);
    expect(r.bss.find((b) => b.associated)).toMatchObject({ iface: "wlan0", widthMhz: 20, ft: false, meshId: null });
    expect(r.channels).toEqual([
      { freqMhz: 2412, channel: 1, networks: 1, strongestDbm: -85 },
      { freqMhz: 2437, channel: 6, networks: 2, strongestDbm: -41 },
      { freqMhz: 2462, channel: 11, networks: 1, strongestDbm: -90 },
    ]);
  });

  it("5 GHz from newer iw: decimal freq, boottime line, VHT 80 MHz, 802.11r (FT/PSK, FT/SAE), a mesh point, no final newline", () => {
    const r = ok(parseScan(fixture("scan-5g-vht80-ft-mesh-boottime-no-final-newline.txt")));
    expect(r.bss.map((b) => [b.bssid, b.freqMhz, b.channel, b.widthMhz, b.signalDbm, b.ssid, b.meshId, b.security, b.ft, b.lastSeenMs])).toEqual([
      ["02:11:00:00:00:02", 5180, 36, 40, -55, null, "fleetmesh", "wpa3", false, 434],
      ["02:11:00:00:00:01", 5180, 36, 80, -62, "meshfleet", null, "wpa2", true, 120],
      ["02:22:00:00:00:03", 5500, 100, 20, -81, "Neighbour-5G", null, "wpa3", true, 2015],
    ]);
    expect(r.bss.every((b) => b.iface === "phy1-ap0" && !b.associated)).toBe(true);
    expect(r.channels.map((c) => [c.channel, c.networks, c.strongestDbm])).toEqual([[36, 2, -55], [100, 1, -81]]);
  });

  it("empty output is no networks; other text is not a scan; channel numbers per band", () => {
    expect(ok(parseScan(""))).toEqual({ bss: [], channels: [], skipped: 0 });
    expect(failed(parseScan("command failed: Device or resource busy (-16)\n"))).toEqual({ code: "E_PARSE_FORMAT", line: 1 });
    expect([channelOf(2412), channelOf(2484), channelOf(5180), channelOf(5825), channelOf(5955), channelOf(900)]).toEqual([1, 14, 36, 165, 1, null]);
  });
});

describe("parseScan edge cases found by the fuzz test", () => {
  it("a primary channel that is not a channel number (1e999, as a mangled line may say) is not taken", () => {
    const r = ok(parseScan("BSS 02:11:00:00:00:01(on phy1-ap0)\n\tfreq: 1e999.0\n\tsignal: -62.00 dBm\n\tHT operation:\n\t\t * primary channel: 1e999\n"));
    expect(r.bss.map((b) => [b.freqMhz, b.channel, b.signalDbm])).toEqual([[null, null, -62]]);
  });
});

describe("parseScan on 3,000 mutated fixtures (its own and the other iw formats)", () => {
  it("never throws; networks are well formed; errors carry a parse code", () => {
    const names = readdirSync(fileURLToPath(new URL("./fixtures/", import.meta.url))).filter((f) => f.endsWith(".txt"));
    const own = names.filter((n) => n.startsWith("scan-")).map(fixture);
    const all = [...own, ...own, ...own, ...names.filter((n) => !n.startsWith("scan-")).map(fixture)];
    let good = 0;
    forEachMutated(all, 3000, 20261206, (text, how) => {
      const r = parseScan(text);
      if (!r.ok) {
        expect(["E_PARSE_FORMAT", "E_PARSE_INVALID"], how).toContain(r.error.code);
        return;
      }
      good++;
      for (const b of r.value.bss) {
        expect(typeof b.bssid, how).toBe("string");
        for (const v of [b.freqMhz, b.channel, b.widthMhz, b.signalDbm, b.lastSeenMs]) expect(v === null || Number.isInteger(v), how).toBe(true);
      }
      expect(r.value.channels.reduce((a, c) => a + c.networks, 0), how).toBe(r.value.bss.filter((b) => b.freqMhz !== null).length);
    });
    expect(good).toBeGreaterThan(300);
  });
});
