import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { optionValue, parseUciFile, serializeUci, type UciPackage, type UciSection } from "@meshfleet/uci";
import type { SimNode } from "./types";
import type { World } from "./world";

function section(type: string, name: string | null, options: Record<string, string | string[]>): UciSection {
  return {
    type,
    name,
    items: Object.entries(options).map(([k, v]) => (Array.isArray(v) ? { kind: "list" as const, name: k, values: v } : { kind: "option" as const, name: k, value: v })),
  };
}

function pkg(sections: UciSection[]): UciPackage {
  return { name: null, header: [], sections };
}

/**
 * A simulated node's `/etc/config` as files (`wireless`, `network`, `firewall`),
 * written from the world at start. A job that changes `wireless` (through the UCI
 * file backend) moves the node's mesh radio: the world re-reads the file when its mtime
 * changes, and a node on another channel or mesh id loses its mesh links.
 */
export class NodeConfig {
  readonly dir: string;
  #mtimeMs = 0;
  #text = "";
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly world: World,
    private readonly node: SimNode,
    root: string,
  ) {
    this.dir = join(root, node.id);
    mkdirSync(this.dir, { recursive: true });
    this.writeWireless();
    writeFileSync(join(this.dir, "network"), serializeUci(this.network()));
    writeFileSync(join(this.dir, "firewall"), serializeUci(this.firewall()));
  }

  wireless(): UciPackage {
    const w = this.world.model.wireless;
    const n = this.node;
    return pkg([
      section("wifi-device", "radio0", { type: "mac80211", path: "platform/soc/18000000.wifi", channel: String(n.apChannel), band: "2g", htmode: "HT20" }),
      section("wifi-iface", "default_radio0", {
        device: "radio0",
        network: "lan",
        mode: "ap",
        ssid: w.ssid,
        encryption: "psk2",
        key: w.apKey,
        ieee80211r: "1",
        mobility_domain: w.mobilityDomain,
        ft_over_ds: "0",
        ft_psk_generate_local: "1",
      }),
      section("wifi-device", "radio1", { type: "mac80211", path: "platform/soc/18000000.wifi+1", channel: String(n.meshChannel), band: "5g", htmode: "VHT80" }),
      section("wifi-iface", "mesh", { device: "radio1", network: "mesh", mode: "mesh", mesh_id: n.meshId, encryption: "sae", key: w.meshKey, mesh_fwding: "1", ifname: "mesh0" }),
    ]);
  }

  network(): UciPackage {
    const n = this.node;
    const sections = [
      section("interface", "loopback", { device: "lo", proto: "static", ipaddr: "127.0.0.1", netmask: "255.0.0.0" }),
      section("globals", "globals", { ula_prefix: `${n.prefix.split("::")[0]!.split(":").slice(0, 3).join(":")}::/48` }),
      section("device", null, { name: "br-lan", type: "bridge", ports: ["lan1", "lan2"] }),
      section("interface", "lan", { device: "br-lan", proto: "static", ipaddr: "192.168.1.1", netmask: "255.255.255.0", ip6assign: "64" }),
      section("interface", "mesh", { proto: "none" }),
    ];
    if (n.gateway) {
      sections.push(section("interface", "wan", { device: "wan", proto: "dhcp" }), section("interface", "wan6", { device: "wan", proto: "dhcpv6", reqprefix: "56" }));
    }
    return pkg(sections);
  }

  firewall(): UciPackage {
    const proto = this.node.routing === "rip" ? { name: "Allow-RIPng", port: "521" } : { name: "Allow-Babel", port: "6696" };
    return pkg([
      section("defaults", null, { input: "REJECT", output: "ACCEPT", forward: "REJECT", synflood_protect: "1" }),
      section("zone", null, { name: "lan", network: ["lan"], input: "ACCEPT", output: "ACCEPT", forward: "ACCEPT" }),
      section("zone", null, { name: "mesh", network: ["mesh"], input: "REJECT", output: "ACCEPT", forward: "ACCEPT" }),
      section("zone", null, { name: "wan", network: ["wan", "wan6"], input: "REJECT", output: "ACCEPT", forward: "REJECT", masq: "1", mtu_fix: "1" }),
      section("rule", null, { name: proto.name, family: "ipv6", proto: ["udp"], src: "mesh", src_ip: ["fe80::/10"], dest_port: proto.port, target: "ACCEPT" }),
      section("rule", null, { name: "Allow-DHCPv6", src: "wan", proto: "udp", dest_port: "546", family: "ipv6", target: "ACCEPT" }),
      section("rule", null, { name: "Allow-ICMPv6-Input", src: "wan", proto: "icmp", family: "ipv6", target: "ACCEPT" }),
    ]);
  }

  /** Writes `wireless` from the node's current radio settings. */
  writeWireless(): void {
    const path = join(this.dir, "wireless");
    this.#text = serializeUci(this.wireless());
    writeFileSync(path, this.#text);
    this.#mtimeMs = statSync(path).mtimeMs;
  }

  /**
   * Re-reads `wireless` when it changed (mtime, or its content when forced — after a
   * `uci`/reload command) at most once per `minGapMs` of world time unless forced, and
   * applies the radios' channels and the mesh id to the node.
   */
  sync(force = false, minGapMs = 1000): void {
    const t = this.world.now;
    if (!force && t - this.#checkedAt < minGapMs) return;
    this.#checkedAt = t;
    const path = join(this.dir, "wireless");
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      return;
    }
    if (mtime === this.#mtimeMs && !force) return;
    this.#mtimeMs = mtime;
    let parsed: UciPackage;
    try {
      const text = readFileSync(path, "utf8");
      if (text === this.#text) return;
      this.#text = text;
      parsed = parseUciFile(text);
    } catch {
      return; // A broken file leaves the radio as it was (wifi reload would fail too).
    }
    const mesh = parsed.sections.find((s) => s.type === "wifi-iface" && optionValue(s, "mode") === "mesh");
    const device = mesh ? parsed.sections.find((s) => s.type === "wifi-device" && s.name === optionValue(mesh, "device")) : undefined;
    const channel = Number(device ? optionValue(device, "channel") : Number.NaN);
    const meshId = mesh ? optionValue(mesh, "mesh_id") : undefined;
    const disabled = mesh !== undefined && optionValue(mesh, "disabled") === "1";
    const n = this.node;
    const ap = parsed.sections.find((s) => s.type === "wifi-iface" && optionValue(s, "mode") === "ap");
    const apDevice = ap ? parsed.sections.find((s) => s.type === "wifi-device" && s.name === optionValue(ap, "device")) : undefined;
    const apChannel = Number(apDevice ? optionValue(apDevice, "channel") : Number.NaN);
    if (Number.isInteger(apChannel)) n.apChannel = apChannel;
    const nextChannel = Number.isInteger(channel) ? channel : n.meshChannel;
    const nextId = !mesh || disabled ? "" : typeof meshId === "string" ? meshId : n.meshId;
    if (nextChannel !== n.meshChannel || nextId !== n.meshId) {
      n.meshChannel = nextChannel;
      n.meshId = nextId;
      this.world.touch(n, t);
    }
  }
}
