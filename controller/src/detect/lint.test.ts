import { describe, expect, it } from "vitest";
import type { NftCounter, RoutingView, WifiIfaceConfig, WirelessInterface } from "@meshfleet/shared";
import { firewallAccepts, isDfsChannel, lintFleet, type LintNode } from "./lint";
import { neighbor } from "../../testing/detect";

const meshIf = (channel: number, meshId = "mf-mesh"): WirelessInterface => ({ name: "mesh0", phy: "phy1", ifindex: 9, type: "mesh point", mac: null, ssid: null, meshId, channel, freqMhz: null, widthMhz: null, centerFreq1Mhz: null, txPowerDbm: null });
const ap = (ssid: string, o: Partial<WifiIfaceConfig> = {}): WifiIfaceConfig => ({ section: "default_radio0", ifname: "wlan0", device: "radio0", mode: "ap", ssid, meshId: null, encryption: "psk2", keyFingerprint: "0123456789abcdef", ieee80211r: true, mobilityDomain: "eaea", ftOverDs: null, ieee80211k: null, bssTransition: null, network: "lan", disabled: null, ...o });
const rule = (summary: string | null, comment: string | null = null): NftCounter => ({ kind: "rule", family: "inet", table: "fw4", chain: "input_wan", name: null, comment, handle: 1, packets: 0, bytes: 0, summary });
const ripUp: RoutingView = { daemon: "bird2", protocols: [{ name: "rip1", proto: "RIP", table: "master6", state: "up", since: null, info: "Running" }], interfaces: [], neighbors: [], routes: [] };
const babelNbr: RoutingView = { daemon: "bird2", protocols: [], interfaces: [], neighbors: [neighbor("fe80::2", "eth0", "babel")], routes: [] };

function node(name: string, o: Partial<LintNode> = {}): LintNode {
  return { node: name, interfaces: null, wireless: null, routing: null, counters: null, linkLocal: [], ...o };
}

describe("fleet lint", () => {
  it("finds nothing in a consistent fleet", () => {
    const ok = (n: string, ll: string) =>
      node(n, { interfaces: [meshIf(36)], wireless: { radios: [], interfaces: [ap("home"), ap("home")] }, routing: ripUp, counters: [rule("meta nfproto ipv6 udp dport 521 ip6 saddr fe80::/10 accept")], linkLocal: [{ iface: "eth0", address: ll }] });
    expect(lintFleet([ok("r1", "fe80::1"), ok("r2", "fe80::2")])).toEqual([]);
  });

  it("flags mesh channel and mesh id mismatches and a mesh on a DFS channel", () => {
    const f = lintFleet([node("r1", { interfaces: [meshIf(36)] }), node("r2", { interfaces: [meshIf(100, "other")] }), node("r3", { interfaces: [meshIf(36)] })]);
    expect(f.map((x) => [x.subject, x.nodes, x.severity])).toEqual([
      ["lint:mesh_channel_mismatch", ["r1", "r2", "r3"], "critical"],
      ["lint:mesh_id_mismatch", ["r1", "r2", "r3"], "critical"],
      ["lint:mesh_on_dfs:r2", ["r2"], "warning"],
    ]);
    expect(f[0]!.detail).toEqual({ channels: { "100": ["r2"], "36": ["r1", "r3"] } });
    expect(isDfsChannel(52) && isDfsChannel(144) && !isDfsChannel(48) && !isDfsChannel(149)).toBe(true);
  });

  it("reads the mesh channel from the wireless config when iw has nothing", () => {
    const wireless = { radios: [{ name: "radio1", channel: 120, band: "5g", hwmode: null, htmode: "VHT80", disabled: null }], interfaces: [{ ...ap("x"), mode: "mesh", ssid: null, meshId: "m", device: "radio1" }] };
    expect(lintFleet([node("r1", { wireless })]).map((x) => x.subject)).toEqual(["lint:mesh_on_dfs:r1"]);
  });

  it("flags APs of one SSID with different keys, mobility domains, or some without 802.11r", () => {
    const f = lintFleet([
      node("r1", { wireless: { radios: [], interfaces: [ap("home")] } }),
      node("r2", { wireless: { radios: [], interfaces: [ap("home", { keyFingerprint: "fedcba9876543210", mobilityDomain: "1234" })] } }),
      node("r3", { wireless: { radios: [], interfaces: [ap("home", { ieee80211r: false, mobilityDomain: null }), ap("guest", { ieee80211r: null })] } }),
    ]);
    expect(f.map((x) => [x.subject, x.nodes])).toEqual([
      ["lint:ssid_80211r_mixed:home", ["r3"]],
      ["lint:ssid_key_mismatch:home", ["r2", "r1", "r3"].sort()],
      ["lint:ssid_mobility_domain_mismatch:home", ["r1", "r2"]],
    ]);
    // Keys never appear, only which nodes share one.
    expect(JSON.stringify(f)).not.toContain("0123456789abcdef");
  });

  it("flags RIPng / Babel running without a firewall accept for their port", () => {
    const f = lintFleet([
      node("r1", { routing: ripUp, counters: [rule("udp dport 6696 accept"), rule("udp dport 521 drop")] }),
      node("r2", { routing: babelNbr, counters: [rule("udp dport { 521, 6696 } accept")] }),
      node("r3", { routing: babelNbr, counters: [rule("udp dport 521 accept")] }),
      node("r4", { routing: ripUp, counters: null }),
    ]);
    expect(f.map((x) => x.subject)).toEqual(["lint:firewall_no_babel_accept:r3", "lint:firewall_no_rip_accept:r1"]);
    expect(firewallAccepts([rule("udp dport 500-600 accept")], 521, /rip/i)).toBe(true);
    expect(firewallAccepts([rule(null, "!fw4: Allow-RIPng")], 521, /rip/i)).toBe(true);
  });

  it("flags two routers with the same link-local address", () => {
    const f = lintFleet([node("r1", { linkLocal: [{ iface: "eth0", address: "fe80::1" }] }), node("r2", { linkLocal: [{ iface: "br-lan", address: "FE80::1" }] })]);
    expect(f.map((x) => [x.subject, x.nodes])).toEqual([["lint:duplicate_link_local:fe80::1", ["r1", "r2"]]]);
  });
});
