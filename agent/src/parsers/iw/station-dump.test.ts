import { describe, expect, it } from "vitest";
import { stationDump } from "@meshfleet/shared";
import { parseStationDump } from "./station-dump";
import { parseThroughput, parseSignal } from "./station-fields";
import { failed, ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("iw", name, { stripHeader: true });

function dump(name: string) {
  const r = ok(parseStationDump(fixture(name)));
  stationDump.parse({ stations: r.stations });
  return r;
}

function at<T extends { mac: string }>(list: T[], mac: string): T {
  const s = list.find((x) => x.mac === mac);
  if (!s) throw new Error(`no station ${mac}`);
  return s;
}

describe("parseStationDump on the Kahaluu seed (OpenWrt 19.07, 802.11s peers, tabs turned to spaces)", () => {
  const r = dump("seed-kahaluu-wlan0-station-dump-mesh.txt");

  it("reads both peers, sorted by MAC, nothing skipped", () => {
    expect(r.skipped).toBe(0);
    expect(r.stations.map((s) => [s.iface, s.mac])).toEqual([
      ["wlan0", "84:c9:b2:54:30:5c"],
      ["wlan0", "c4:e9:84:2f:4d:de"],
    ]);
  });

  it("keeps signal, chains, counters, bitrates, throughput and the peer link", () => {
    const a = at(r.stations, "c4:e9:84:2f:4d:de");
    expect(a).toMatchObject({ signalDbm: -74, signalAvgDbm: -74, chainSignalDbm: [-74], inactiveMs: 0, rxBytes: 1358471, rxPackets: 4338 });
    expect(a).toMatchObject({ txBytes: 621897, txPackets: 2269, txRetries: 85, txFailed: 1, connectedSec: 114, expectedThroughputMbps: 31.218 });
    expect(a.txBitrate).toEqual({ mbps: 65, mode: "ht", mcs: 6, nss: 1, widthMhz: 20, shortGi: true });
    expect(a.rxBitrateMbps).toBe(39);
    expect(a.mesh).toEqual({ plink: "ESTAB", llid: 0, plid: 0, localPs: "ACTIVE", peerPs: "ACTIVE", airtimeMetric: null, connectedToGate: null });
    expect(a.flags).toMatchObject({ authorized: true, authenticated: true, associated: true, preamble: "long", "WMM/WME": true, MFP: true, "TDLS peer": false });
    const b = at(r.stations, "84:c9:b2:54:30:5c");
    expect(b.rxBitrate).toEqual({ mbps: 45, mode: "ht", mcs: 2, nss: 1, widthMhz: 40, shortGi: true });
    expect(b).toMatchObject({ signalDbm: -80, signalAvgDbm: -79, inactiveMs: 20, txBytes: 621, expectedThroughputMbps: null });
  });
});

describe("parseStationDump fixtures", () => {
  it("mesh peers in iw 6.x order: 3 and 4 chains, airtime metric, gate, plink states, a peer without data", () => {
    const r = dump("station-dump-mesh-peer-multichain-signal.txt");
    expect(r.skipped).toBe(0);
    expect(r.stations.map((s) => s.mac)).toEqual(["02:5a:11:00:00:03", "02:5a:11:00:00:07", "02:5a:11:00:00:0b"]);
    const a = at(r.stations, "02:5a:11:00:00:0b");
    expect(a).toMatchObject({ iface: "phy1-mesh0", signalDbm: -61, signalAvgDbm: -60, chainSignalDbm: [-63, -65, -70, -68], inactiveMs: 30 });
    expect(a).toMatchObject({ rxBytes: 88412331, txPackets: 190332, txRetries: 12877, txFailed: 41, connectedSec: 86400 });
    expect(a.txBitrate).toEqual({ mbps: 866.7, mode: "vht", mcs: 9, nss: 2, widthMhz: 80, shortGi: true });
    expect(a.rxBitrate).toEqual({ mbps: 780, mode: "vht", mcs: 8, nss: 2, widthMhz: 80, shortGi: false });
    // iw prints 423050 (1/1000 Mbit/s) as "423.50": the fraction is not zero-padded.
    expect(a.expectedThroughputMbps).toBe(423.05);
    expect(a.mesh).toEqual({ plink: "ESTAB", llid: 17223, plid: 40411, localPs: "ACTIVE", peerPs: "ACTIVE", airtimeMetric: 45, connectedToGate: true });
    expect(a.flags).toMatchObject({ "mesh connected to auth server": false, "mesh non-peer PS mode": "ACTIVE", "short slot time": true });

    const b = at(r.stations, "02:5a:11:00:00:03");
    expect(b).toMatchObject({ signalDbm: -88, signalAvgDbm: null, chainSignalDbm: [-90, -91, -93], txBitrateMbps: 6, rxBitrateMbps: null, rxBitrate: null });
    expect(b.txBitrate?.mode).toBe("legacy");
    expect(b.mesh).toMatchObject({ plink: "OPN_SNT", llid: 912, plid: 0, airtimeMetric: 0 });
    expect(b.flags).toMatchObject({ authorized: false, associated: false });

    const c = at(r.stations, "02:5a:11:00:00:07");
    expect(c.mesh?.plink).toBe("LISTEN");
    expect(c).toMatchObject({ signalDbm: null, inactiveMs: null, rxBytes: null, txBitrate: null, expectedThroughputMbps: null, connectedSec: 0 });
  });

  it("AP clients, newer iw: flags before counters, HE 20/160 MHz, tx duration, avg ack signal, associated at (spaces)", () => {
    const r = dump("station-dump-ap-he-flags-first.txt");
    expect(r.skipped).toBe(0);
    expect(r.stations.map((s) => s.mac)).toEqual(["0a:c1:5e:77:20:91", "6e:3b:90:aa:10:02"]);
    const fast = at(r.stations, "0a:c1:5e:77:20:91");
    expect(fast.txBitrate).toEqual({ mbps: 2401.9, mode: "he", mcs: 11, nss: 2, widthMhz: 160, shortGi: false });
    expect(fast).toMatchObject({ rxBytes: 9912881230, txBytes: 28811930211, connectedSec: 40112, expectedThroughputMbps: 1412.109, mesh: null });
    expect(fast.flags).toMatchObject({ MFP: false, authorized: true });
    const slow = at(r.stations, "6e:3b:90:aa:10:02");
    expect(slow.txBitrate).toEqual({ mbps: 143.4, mode: "he", mcs: 11, nss: 1, widthMhz: 20, shortGi: false });
    expect(slow).toMatchObject({ signalDbm: -67, chainSignalDbm: [-69, -70], inactiveMs: 1250, expectedThroughputMbps: 98.632 });
  });

  it("stray leading spaces, mixed indent, `name:value` without separator, no final newline", () => {
    const text = fixture("station-dump-mixed-indent-no-separator.txt");
    expect(text.endsWith("\n")).toBe(false);
    const r = dump("station-dump-mixed-indent-no-separator.txt");
    expect(r.skipped).toBe(0);
    expect(r.stations.map((s) => s.mac)).toEqual(["3c:84:6a:0e:11:07", "3c:84:6a:0e:41:d2"]);
    const a = at(r.stations, "3c:84:6a:0e:41:d2");
    expect(a.txBitrate).toEqual({ mbps: 150, mode: "ht", mcs: 7, nss: 1, widthMhz: 40, shortGi: true });
    expect(a.rxBitrate).toEqual({ mbps: 54, mode: "legacy", mcs: null, nss: null, widthMhz: null, shortGi: false });
    expect(a.mesh).toMatchObject({ plink: "ESTAB", llid: 4411, plid: 52011, localPs: "ACTIVE", peerPs: "LIGHT SLEEP" });
    expect(a.flags).toMatchObject({ "mesh non-peer PS mode": "DEEP SLEEP", preamble: "short", "short slot time": true });
    expect(a.expectedThroughputMbps).toBe(48.005);
    const b = at(r.stations, "3c:84:6a:0e:11:07");
    expect(b).toMatchObject({ signalDbm: -84, chainSignalDbm: [-84], connectedSec: 8, expectedThroughputMbps: 0.977, txRetries: 31, txFailed: 9 });
    expect(b.mesh?.plink).toBe("HOLDING");
  });

  it("keeps a positive signal avg and flags it", () => {
    const r = dump("station-dump-positive-signal-avg.txt");
    const [s] = r.stations;
    expect(s).toMatchObject({ mac: "98:da:c4:31:07:5e", signalDbm: -71, chainSignalDbm: null, signalAvgDbm: 17, anomalies: ["positive_signal"] });
    expect(s?.expectedThroughputMbps).toBe(5.037);
  });

  it("Wi-Fi 7 MLO: per-station values, per-link data in flags", () => {
    const r = dump("station-dump-mlo-links.txt");
    expect(r.skipped).toBe(0);
    expect(r.stations).toHaveLength(1);
    const [s] = r.stations;
    expect(s).toMatchObject({ mac: "3a:12:9c:44:e0:01", inactiveMs: 120, rxBytes: 300000, txPackets: 2700, connectedSec: 77, signalDbm: null, txBitrate: null });
    expect(s?.flags).toMatchObject({
      "link0.address": "3a:12:9c:44:e0:10",
      "link0.signalDbm": "-40",
      "link0.txBitrateMbps": "5764.7",
      "link1.address": "3a:12:9c:44:e0:11",
      "link1.signalDbm": "-55",
      "link1.rxBitrateMbps": "1921.5",
    });
  });

  it("`-v` MSDU and TXQ tables are skipped and counted", () => {
    const r = dump("station-dump-verbose-txq-tables.txt");
    // MSDU: + header + 17 TIDs, TXQs: + header + 17 TIDs
    expect(r.skipped).toBe(38);
    const [s] = r.stations;
    expect(s).toMatchObject({ signalDbm: -63, chainSignalDbm: [-65, -66], expectedThroughputMbps: 81.031, connectedSec: 640 });
    expect(s?.mesh).toMatchObject({ plink: "ESTAB", llid: 301, plid: 4402 });
    expect(s?.txBitrate).toEqual({ mbps: 300, mode: "ht", mcs: 15, nss: 2, widthMhz: 40, shortGi: true });
  });

  it("masked, upper-case and malformed MACs are kept as lower-case text (CRLF, old iw, few fields)", () => {
    const r = dump("station-dump-masked-malformed-macs-crlf.txt");
    expect(r.skipped).toBe(0);
    expect(r.stations.map((s) => s.mac)).toEqual(["**:**:**:**:a1:7f", "84:16:f9:eb:c9", "xx:xx:xx:xx:xx:xx"]);
    const broken = at(r.stations, "84:16:f9:eb:c9");
    expect(broken).toMatchObject({ iface: "wlan1", signalDbm: -81, inactiveMs: 700, txRetries: null, connectedSec: null, flags: { authorized: false } });
    expect(at(r.stations, "xx:xx:xx:xx:xx:xx").txBitrate).toEqual({ mbps: 72.2, mode: "ht", mcs: 7, nss: 1, widthMhz: 20, shortGi: true });
  });
});

describe("parseStationDump edge cases", () => {
  it("an empty input is an empty dump", () => {
    expect(ok(parseStationDump(""))).toEqual({ stations: [], skipped: 0 });
    expect(ok(parseStationDump("  \n\t\n"))).toEqual({ stations: [], skipped: 0 });
  });

  it("text with no Station block is not a station dump (typed error with the line)", () => {
    expect(failed(parseStationDump("\ncommand failed: No such device (-19)\n"))).toEqual({ code: "E_PARSE_FORMAT", line: 2 });
    expect(failed(parseStationDump("phy#0\n\tInterface wlan0\n"))).toEqual({ code: "E_PARSE_FORMAT", line: 1 });
  });

  it("skips lines before the first block and unknown fields, and counts them", () => {
    const r = ok(parseStationDump("garbage\nStation 02:00:00:00:00:01 (on mesh0)\n\tfuture field:\t7\n\tsignal:\tloud\n\tsignal:  \t-50 dBm\n\trx bytes:\t5\n\trx bytes:\tNaN\n\tinactive time:\t99999999999999999999 ms\n"));
    expect(r.skipped).toBe(5);
    // a garbage repeat never erases a good value; an unsafe integer is no value
    expect(r.stations[0]).toMatchObject({ mac: "02:00:00:00:00:01", iface: "mesh0", signalDbm: -50, rxBytes: 5, inactiveMs: null });
  });

  it("sorts by (iface, mac), stable for duplicates", () => {
    const text = ["b", "a", "b"].map((x, i) => `Station 02:00:00:00:00:0${x} (on ${i === 1 ? "wlan1" : "wlan0"})\n\tinactive time:\t${i} ms\n`).join("");
    const r = ok(parseStationDump(text));
    expect(r.stations.map((s) => [s.iface, s.mac, s.inactiveMs])).toEqual([
      ["wlan0", "02:00:00:00:00:0b", 0],
      ["wlan0", "02:00:00:00:00:0b", 2],
      ["wlan1", "02:00:00:00:00:0a", 1],
    ]);
  });

  it("a Station line without `(on IF)` keeps the station with an empty iface, flagged", () => {
    const [s] = ok(parseStationDump("Station 02:00:00:00:00:01\n\tsignal:\t-40 dBm\n")).stations;
    expect(s).toMatchObject({ iface: "", signalDbm: -40, anomalies: ["no_iface"] });
  });

  it("more stations than the wire schema allows is an invalid dump", () => {
    const text = "Station 02:00:00:00:00:01 (on wlan0)\n".repeat(4097);
    expect(failed(parseStationDump(text))).toEqual({ code: "E_PARSE_INVALID", line: 4097 });
  });

  it("reads signal values with 1–4 chains and rejects garbage", () => {
    expect(parseSignal("-52 [-54, -56] dBm")).toEqual({ dbm: -52, chains: [-54, -56] });
    expect(parseSignal("-52 [-54] dBm")).toEqual({ dbm: -52, chains: [-54] });
    expect(parseSignal("-40 [-41, -42, -43, -44] dBm")).toEqual({ dbm: -40, chains: [-41, -42, -43, -44] });
    expect(parseSignal("-95 dBm")).toEqual({ dbm: -95, chains: null });
    expect(parseSignal("-52 [-54, x] dBm")).toBeNull();
    expect(parseSignal("loud")).toBeNull();
  });

  it("decodes iw's unpadded throughput fraction", () => {
    expect(parseThroughput("31.218Mbps")).toBe(31.218);
    expect(parseThroughput("2.50Mbps")).toBe(2.05);
    expect(parseThroughput("2.5Mbps")).toBe(2.005);
    expect(parseThroughput("0.0Mbps")).toBe(0);
    expect(parseThroughput("fast")).toBeNull();
  });
});
