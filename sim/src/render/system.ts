import { WAN_IPV4, wanGlobalAddress, type WorldModel } from "../build";
import { noise, smoothNoise } from "../random";
import type { SimNode } from "../types";

/** `/proc/uptime`: seconds up and idle seconds, two decimals. */
export function renderUptime(node: SimNode, now: number): string {
  const up = Math.max(0, now - node.bootAt) / 1000;
  return `${up.toFixed(2)} ${(up * 1.6).toFixed(2)}\n`;
}

/** `/proc/loadavg`: three averages, running/total tasks, last pid. */
export function renderLoadavg(node: SimNode, now: number, seed: number): string {
  const x = now / 60_000;
  const l1 = Math.max(0, 0.25 + 0.2 * smoothNoise(seed, node.index, x));
  const l5 = Math.max(0, 0.22 + 0.1 * smoothNoise(seed, node.index, x / 5));
  const l15 = Math.max(0, 0.2 + 0.05 * smoothNoise(seed, node.index, x / 15));
  const pid = 1000 + Math.floor(Math.max(0, now - node.bootAt) / 700) % 30_000;
  return `${l1.toFixed(2)} ${l5.toFixed(2)} ${l15.toFixed(2)} 1/${118 + (node.index % 7)} ${pid}\n`;
}

/** `/proc/meminfo` (the first lines that matter, kB, `%8lu` aligned as the kernel prints). */
export function renderMeminfo(node: SimNode, now: number, seed: number): string {
  const total = node.memTotalKb;
  const used = Math.round(total * (0.35 + 0.05 * smoothNoise(seed, node.index + 7, now / 300_000)));
  const free = total - used;
  const cached = Math.round(total * 0.12);
  const available = Math.min(total, free + Math.round(cached * 0.8));
  const line = (k: string, v: number) => `${`${k}:`.padEnd(16)}${String(v).padStart(8)} kB\n`;
  return (
    line("MemTotal", total) +
    line("MemFree", free) +
    line("MemAvailable", available) +
    line("Buffers", Math.round(total * 0.01)) +
    line("Cached", cached) +
    line("SwapCached", 0) +
    line("Active", Math.round(total * 0.08)) +
    line("Inactive", Math.round(total * 0.06)) +
    line("SwapTotal", 0) +
    line("SwapFree", 0) +
    line("Slab", Math.round(total * 0.05) + Math.floor(noise(seed, node.index) * 100))
  );
}

export function renderHostname(node: SimNode): string {
  return `${node.id}\n`;
}

const FOREVER = 4294967295;

function v6(local: string, prefixlen: number, scope: string) {
  return { family: "inet6", local, prefixlen, scope, valid_life_time: FOREVER, preferred_life_time: FOREVER };
}

function link(ifindex: number, ifname: string, address: string, addrInfo: unknown[], master?: string) {
  return {
    ifindex,
    ifname,
    flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
    mtu: 1500,
    qdisc: ifname === "wan" || ifname === "lan1" ? "mq" : "noqueue",
    ...(master ? { master } : {}),
    operstate: "UP",
    group: "default",
    txqlen: 1000,
    link_type: "ether",
    address,
    broadcast: "ff:ff:ff:ff:ff:ff",
    addr_info: addrInfo,
  };
}

/** `ip -j addr show` (iproute2 JSON, one line): lo, LAN bridge with ports, mesh0, wan on gateways. */
export function renderIpAddr(m: WorldModel, node: SimNode): string {
  const links: unknown[] = [
    {
      ifindex: 1,
      ifname: "lo",
      flags: ["LOOPBACK", "UP", "LOWER_UP"],
      mtu: 65536,
      qdisc: "noqueue",
      operstate: "UNKNOWN",
      group: "default",
      txqlen: 1000,
      link_type: "loopback",
      address: "00:00:00:00:00:00",
      broadcast: "00:00:00:00:00:00",
      addr_info: [
        { family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host", label: "lo", valid_life_time: FOREVER, preferred_life_time: FOREVER },
        { family: "inet6", local: "::1", prefixlen: 128, scope: "host", valid_life_time: FOREVER, preferred_life_time: FOREVER },
      ],
    },
    link(2, "lan1", node.macs.eth, [], "br-lan"),
    link(3, "br-lan", node.macs.eth, [
      { family: "inet", local: "192.168.1.1", prefixlen: 24, broadcast: "192.168.1.255", scope: "global", label: "br-lan", valid_life_time: FOREVER, preferred_life_time: FOREVER },
      v6(node.lanAddress, 64, "global"),
      v6(node.linkLocal.lan, 64, "link"),
    ]),
    link(11, "wlan0", node.macs.ap, [], "br-lan"),
    link(12, "mesh0", node.macs.mesh, [v6(node.linkLocal.mesh, 64, "link")]),
  ];
  if (node.gateway) {
    links.push(
      link(4, "wan", node.macs.wan, [
        { family: "inet", local: WAN_IPV4, prefixlen: 24, broadcast: "198.51.100.255", scope: "global", dynamic: true, label: "wan", valid_life_time: 43200, preferred_life_time: 43200 },
        v6(wanGlobalAddress(m, node), 64, "global"),
        v6(node.linkLocal.wan, 64, "link"),
      ]),
    );
  }
  return `${JSON.stringify(links)}\n`;
}
