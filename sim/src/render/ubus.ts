import { WAN_IPV4, wanGlobalAddress, type WorldModel } from "../build";
import type { SimNode } from "../types";
import { ubusJson } from "./ubus-json";

/** `ubus call system board` (OpenWrt 22.03). */
export function renderBoard(node: SimNode): string {
  return ubusJson({
    kernel: "5.10.176",
    hostname: node.id,
    system: node.board.system,
    model: node.board.model,
    board_name: node.board.boardName,
    rootfs_type: "squashfs",
    release: {
      distribution: "OpenWrt",
      version: "22.03.5",
      revision: "r20134-5f15225c1e",
      target: node.board.target,
      description: "OpenWrt 22.03.5 r20134-5f15225c1e",
    },
  });
}

/** `ubus call network.wireless status`: both radios with their UCI-derived config. */
export function renderWirelessStatus(m: WorldModel, node: SimNode, up: boolean): string {
  const w = m.wireless;
  const radio = (config: Record<string, string | number>, iface: Record<string, unknown>) => ({
    up,
    pending: false,
    autostart: true,
    disabled: false,
    retry_setup_failed: false,
    config,
    interfaces: [{ ...(iface as Record<string, never>), vlans: [], stations: [] }],
  });
  return ubusJson({
    radio0: radio(
      { path: "platform/soc/18000000.wifi", channel: String(node.apChannel), band: "2g", htmode: "HT20", cell_density: 0 },
      {
        section: "default_radio0",
        ifname: "wlan0",
        config: {
          ssid: w.ssid,
          encryption: "psk2",
          key: w.apKey,
          ieee80211r: true,
          mobility_domain: w.mobilityDomain,
          ft_over_ds: false,
          ft_psk_generate_local: true,
          mode: "ap",
          network: ["lan"],
        },
      },
    ),
    radio1: radio(
      { path: "platform/soc/18000000.wifi+1", channel: String(node.meshChannel), band: "5g", htmode: "VHT80", cell_density: 0 },
      {
        section: "mesh",
        ifname: "mesh0",
        config: node.meshId
          ? { mode: "mesh", mesh_id: node.meshId, encryption: "sae", key: w.meshKey, mesh_fwding: true, network: ["mesh"] }
          : { mode: "mesh", disabled: true, network: ["mesh"] },
      },
    ),
  });
}

function iface(name: string, device: string, proto: string, uptime: number, extra: Record<string, unknown>) {
  return {
    interface: name,
    up: true,
    pending: false,
    available: true,
    autostart: true,
    dynamic: false,
    uptime,
    l3_device: device,
    proto,
    device,
    metric: 0,
    dns_metric: 0,
    delegation: true,
    "ipv4-address": [],
    "ipv6-address": [],
    "ipv6-prefix": [],
    "ipv6-prefix-assignment": [],
    route: [],
    "dns-server": [],
    "dns-search": [],
    neighbors: [],
    inactive: { "ipv4-address": [], "ipv6-address": [], route: [], "dns-server": [], "dns-search": [], neighbors: [] },
    data: {},
    ...extra,
  };
}

/** `ubus call network.interface dump`: lan, mesh and (gateway) wan/wan6 with the delegated prefix. */
export function renderInterfaceDump(m: WorldModel, node: SimNode, now: number): string {
  const uptime = Math.max(0, Math.floor((now - node.bootAt) / 1000) - 8);
  const [ula, mask] = node.prefix.split("/");
  const list: Record<string, unknown>[] = [
    iface("lan", "br-lan", "static", uptime, {
      "ipv4-address": [{ address: "192.168.1.1", mask: 24 }],
      "ipv6-prefix-assignment": [{ address: ula!, mask: Number(mask), "local-address": { address: node.lanAddress, mask: Number(mask) } }],
    }),
    iface("loopback", "lo", "static", uptime, { "ipv4-address": [{ address: "127.0.0.1", mask: 8 }] }),
    iface("mesh", "mesh0", "none", uptime, {}),
  ];
  if (node.gateway) {
    const site = m.sites[node.site]!;
    const [addr, len] = site.delegated.split("/");
    list.push(
      iface("wan", "wan", "dhcp", uptime, { "ipv4-address": [{ address: WAN_IPV4, mask: 24 }] }),
      iface("wan6", "wan", "dhcpv6", uptime, {
        "ipv6-address": [{ address: wanGlobalAddress(m, node), mask: 64, preferred: 3600, valid: 7200 }],
        "ipv6-prefix": [{ address: addr!, mask: Number(len), preferred: 3600, valid: 7200, class: "wan6", assigned: { lan: { address: addr!, mask: 64 } } }],
      }),
    );
  }
  return ubusJson({ interface: list as never });
}
