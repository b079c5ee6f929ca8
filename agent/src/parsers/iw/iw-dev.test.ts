import { describe, expect, it } from "vitest";
import { iwDev } from "@meshfleet/shared";
import { parseIwDev } from "./iw-dev";
import { failed, ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("iw", name, { stripHeader: true });

function dev(name: string) {
  const r = ok(parseIwDev(fixture(name)));
  iwDev.parse({ interfaces: r.interfaces });
  return r;
}

describe("parseIwDev fixtures", () => {
  it("iw dev: mesh point + APs on two phys, sorted by name; multicast TXQ tables skipped and counted", () => {
    const r = dev("iw-dev-mesh-point-plus-ap.txt");
    // per interface: `multicast TXQ:`, its header and one row
    expect(r.skipped).toBe(9);
    expect(r.interfaces.map((i) => [i.name, i.phy, i.type])).toEqual([
      ["phy0-ap0", "phy0", "AP"],
      ["phy1-ap0", "phy1", "AP"],
      ["phy1-mesh0", "phy1", "mesh point"],
    ]);
    expect(r.interfaces[2]).toEqual({
      name: "phy1-mesh0",
      phy: "phy1",
      ifindex: 12,
      type: "mesh point",
      mac: "02:5a:11:00:00:01",
      ssid: null,
      meshId: null,
      channel: 36,
      freqMhz: 5180,
      widthMhz: 80,
      centerFreq1Mhz: 5210,
      txPowerDbm: 23,
    });
    expect(r.interfaces[0]).toMatchObject({ ifindex: 10, ssid: "meshfleet-home", channel: 6, freqMhz: 2437, widthMhz: 20, centerFreq1Mhz: 2437, txPowerDbm: 20 });
  });

  it("iw dev IF info: no phy line, `wiphy 1` names the phy", () => {
    const r = dev("iw-info-mesh-point-80mhz.txt");
    expect(r.skipped).toBe(3);
    expect(r.interfaces).toEqual([
      { name: "phy1-mesh0", phy: "phy1", ifindex: 12, type: "mesh point", mac: "02:5a:11:00:00:01", ssid: null, meshId: null, channel: 36, freqMhz: 5180, widthMhz: 80, centerFreq1Mhz: 5210, txPowerDbm: 23 },
    ]);
  });

  it("old channel-type form (HT40-), `(no HT)` width, escaped SSID, monitor; the unnamed P2P device is left out", () => {
    const r = dev("iw-dev-old-ht40-channel-type-p2p-device.txt");
    expect(r.skipped).toBe(0);
    expect(r.interfaces.map((i) => i.name)).toEqual(["mon0", "wlan0"]);
    expect(r.interfaces[1]).toMatchObject({ type: "managed", mac: "5c:51:4f:aa:bb:cc", ssid: "Caf\\xc3\\xa9 Wi-Fi", channel: 11, freqMhz: 2462, widthMhz: 40, centerFreq1Mhz: null, txPowerDbm: null });
    expect(r.interfaces[0]).toMatchObject({ type: "monitor", ifindex: 9, channel: 1, freqMhz: 2412, widthMhz: 20, centerFreq1Mhz: 2412 });
  });

  it("Wi-Fi 7 MLD AP: the first link lends channel and txpower; AP/VLAN with 4addr", () => {
    const r = dev("iw-dev-mlo-ap-4addr.txt");
    expect(r.skipped).toBe(3);
    expect(r.interfaces.map((i) => [i.name, i.type])).toEqual([
      ["wlan0", "AP"],
      ["wlan0.sta1", "AP/VLAN"],
    ]);
    expect(r.interfaces[0]).toMatchObject({ ssid: "Home 7", channel: 37, freqMhz: 6135, widthMhz: 320, centerFreq1Mhz: 6105, txPowerDbm: 23 });
    expect(r.interfaces[1]).toMatchObject({ ifindex: 14, channel: null, txPowerDbm: null });
  });
});

describe("parseIwDev edge cases", () => {
  it("empty input, and phys without interfaces, are empty lists", () => {
    expect(ok(parseIwDev(""))).toEqual({ interfaces: [], skipped: 0 });
    expect(ok(parseIwDev("phy#0\nphy#1\n"))).toEqual({ interfaces: [], skipped: 0 });
  });

  it("text without an Interface line is not iw dev output", () => {
    expect(failed(parseIwDev("\n\nStation 02:00:00:00:00:01 (on mesh0)\n"))).toEqual({ code: "E_PARSE_FORMAT", line: 3 });
  });

  it("reads 80+80 and 160 MHz widths and a mesh id line where a build prints one", () => {
    const r = ok(parseIwDev("Interface mesh0\n\ttype mesh point\n\tmesh id fleet-mesh\n\tchannel 36 (5180 MHz), width: 80+80 MHz, center1: 5210 MHz, center2: 5530 MHz\n"));
    expect(r.interfaces[0]).toMatchObject({ meshId: "fleet-mesh", widthMhz: 160, centerFreq1Mhz: 5210 });
    const w = ok(parseIwDev("phy#2\n\tInterface wlan2\n\t\tchannel 100 (5500 MHz), width: 160 MHz, center1: 5570 MHz\n"));
    expect(w.interfaces[0]).toMatchObject({ phy: "phy2", channel: 100, widthMhz: 160, centerFreq1Mhz: 5570 });
  });

  it("unknown and malformed lines are skipped and counted", () => {
    const r = ok(parseIwDev("Interface wlan0\n\tifindex lots\n\tcolour blue\n\ttxpower loud\n\ttype AP\n"));
    expect(r.skipped).toBe(3);
    expect(r.interfaces[0]).toMatchObject({ name: "wlan0", type: "AP", ifindex: null, txPowerDbm: null });
  });
});
