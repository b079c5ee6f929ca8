import { expect, it } from "vitest";
import type { WifiIfaceConfig, WirelessConfig } from "@meshfleet/shared";
import type { StoredEvent } from "../detect/churn-score";
import { roamingQuality } from "./roaming";

let id = 0;
const roam = (ts: number, from: string, to: string, gapMs: number) =>
  ({ id: ++id, code: "station_roamed", node: to, ts, subject: "station:x", mac: "x", gapMs, before: { node: from, iface: "wlan0", lastSeenTs: ts - gapMs }, after: { node: to, iface: "wlan0" } }) as StoredEvent;
const left = (ts: number) => ({ id: ++id, code: "station_left", node: "a", ts, subject: "station:y", mac: "y", before: { node: "a", iface: "wlan0", lastSeenTs: ts }, after: null }) as StoredEvent;
const ap = (ssid: string, ft: boolean | null): WifiIfaceConfig => ({ section: null, ifname: "wlan0", device: "radio0", mode: "ap", ssid, meshId: null, encryption: "psk2", keyFingerprint: null, ieee80211r: ft, mobilityDomain: ft ? "eaea" : null, ftOverDs: null, ieee80211k: null, bssTransition: null, network: "lan", disabled: false });
const cfg = (...i: WifiIfaceConfig[]): WirelessConfig => ({ radios: [], interfaces: i });

it("median, p95 (nearest rank), slow and failed roams, per directed pair; 802.11r per SSID", () => {
  const gaps = [40, 60, 80, 100, 120, 150, 200, 300, 900, 4000];
  const events = [...gaps.map((g, i) => roam(1000 + i, i < 7 ? "a" : "b", i < 7 ? "b" : "a", g)), left(2000), left(99_999), roam(99_999, "a", "b", 1)];
  const wireless = new Map([
    ["a", cfg(ap("home", true), ap("guest", false))],
    ["b", cfg(ap("home", true), ap("guest", true))],
    ["c", cfg(ap("home", null))],
  ]);
  const q = roamingQuality(events, wireless, { from: 0, to: 10_000, slowMs: 500 });
  expect(q.fleet).toEqual({ roams: 10, medianGapMs: 120, p95GapMs: 4000, slow: 2, failed: 1 });
  expect(q.pairs).toEqual([
    { from: "a", to: "b", roams: 7, medianGapMs: 100, p95GapMs: 200, slow: 0 },
    { from: "b", to: "a", roams: 3, medianGapMs: 900, p95GapMs: 4000, slow: 2 },
  ]);
  expect(q.ft).toEqual([
    { ssid: "guest", aps: 2, withFt: 1, inUse: "mixed" },
    { ssid: "home", aps: 3, withFt: 2, inUse: "mixed" },
  ]);
  expect(roamingQuality([], new Map([["a", cfg(ap("home", true))]]), { from: 0, to: 1, slowMs: 500 })).toEqual({ from: 0, to: 1, slowMs: 500, fleet: { roams: 0, medianGapMs: null, p95GapMs: null, slow: 0, failed: 0 }, pairs: [], ft: [{ ssid: "home", aps: 1, withFt: 1, inUse: "yes" }] });
});
