import type { RadioConfig, WifiIfaceConfig, WirelessConfig } from "@meshfleet/shared";
import { parseUciFile, type UciPackage, type UciSection } from "@meshfleet/uci";
import { hwmodeOf, radioBand, usesBand } from "./release";
import { MASK } from "./templates/types";

/**
 * What the planner simulates a job on. The controller never holds a node's config
 * files: it knows the wireless config each node reports in its snapshots (radios and
 * interfaces, keys only as fingerprints), and the release from its hello. So:
 * - `wireless`: rebuilt from the node's latest reported config (the fields meshfleet
 *   collects, keys shown as `********`); when the node has not reported one yet, the
 *   OpenWrt default for its release (two radios, two open `OpenWrt` APs);
 * - `firewall`, `network`: the OpenWrt default for the release (never reported);
 * - any other config: empty.
 * The diff is therefore exact for what the job writes and approximate for the
 * surrounding lines; the agent applies the ops to the real files.
 */

export function baselineWireless(release: string | null): WirelessConfig {
  const band = usesBand(release);
  const radio = (name: string, channel: number, b: "2g" | "5g", htmode: string): RadioConfig => ({
    name,
    channel,
    band: band ? b : null,
    hwmode: band ? null : hwmodeOf(b),
    htmode,
    disabled: false,
  });
  const ap = (section: string, device: string): WifiIfaceConfig => ({
    section,
    ifname: null,
    device,
    mode: "ap",
    ssid: "OpenWrt",
    meshId: null,
    encryption: "none",
    keyFingerprint: null,
    ieee80211r: null,
    mobilityDomain: null,
    ftOverDs: null,
    ieee80211k: null,
    bssTransition: null,
    network: "lan",
    disabled: false,
  });
  return { radios: [radio("radio0", 1, "2g", "HT20"), radio("radio1", 36, "5g", "VHT80")], interfaces: [ap("default_radio0", "radio0"), ap("default_radio1", "radio1")] };
}

function section(type: string, name: string | null, options: [string, string | null | undefined][]): UciSection {
  return { type, name, items: options.filter((o): o is [string, string] => o[1] !== null && o[1] !== undefined).map(([n, v]) => ({ kind: "option", name: n, value: v })) };
}
const b01 = (b: boolean | null) => (b === null ? null : b ? "1" : "0");

/** `/etc/config/wireless` as far as the reported config tells it. */
export function wirelessPackage(cfg: WirelessConfig, release: string | null): UciPackage {
  const band = usesBand(release);
  const sections: UciSection[] = cfg.radios.map((r) => {
    const rb = radioBand(r);
    return section("wifi-device", r.name, [
      ["type", "mac80211"],
      ["channel", r.channel === null ? null : String(r.channel)],
      band ? ["band", r.band ?? rb] : ["hwmode", r.hwmode ?? (rb === null ? null : hwmodeOf(rb))],
      ["htmode", r.htmode],
      ["disabled", r.disabled ? "1" : null],
    ]);
  });
  for (const i of cfg.interfaces) {
    sections.push(
      section("wifi-iface", i.section, [
        ["device", i.device],
        ["network", i.network],
        ["mode", i.mode],
        ["ssid", i.ssid],
        ["mesh_id", i.meshId],
        ["encryption", i.encryption],
        ["key", i.keyFingerprint === null ? null : MASK],
        ["ieee80211r", b01(i.ieee80211r)],
        ["mobility_domain", i.mobilityDomain],
        ["ft_over_ds", b01(i.ftOverDs)],
        ["ieee80211k", b01(i.ieee80211k)],
        ["bss_transition", b01(i.bssTransition)],
        ["disabled", i.disabled ? "1" : null],
      ]),
    );
  }
  return { name: null, header: [], sections };
}

const FIREWALL = `
config defaults
	option syn_flood '1'
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'

config zone
	option name 'lan'
	list network 'lan'
	option input 'ACCEPT'
	option output 'ACCEPT'
	option forward 'ACCEPT'

config zone
	option name 'wan'
	list network 'wan'
	list network 'wan6'
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'
	option masq '1'
	option mtu_fix '1'

config forwarding
	option src 'lan'
	option dest 'wan'

`;

const NETWORK_NEW = `
config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config device
	option name 'br-lan'
	option type 'bridge'
	list ports 'lan1'
	list ports 'lan2'

config interface 'lan'
	option device 'br-lan'
	option proto 'static'
	option ipaddr '192.168.1.1'
	option netmask '255.255.255.0'

`;

const NETWORK_OLD = `
config interface 'loopback'
	option ifname 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config interface 'lan'
	option type 'bridge'
	option ifname 'eth0.1'
	option proto 'static'
	option ipaddr '192.168.1.1'
	option netmask '255.255.255.0'

`;

/** The package a plan starts from for one config of one node. */
export function planBasePackage(config: string, release: string | null, wireless: WirelessConfig): UciPackage {
  if (config === "wireless") return wirelessPackage(wireless, release);
  if (config === "firewall") return parseUciFile(FIREWALL);
  if (config === "network") return parseUciFile(usesBand(release) ? NETWORK_NEW : NETWORK_OLD);
  return { name: null, header: [], sections: [] };
}
