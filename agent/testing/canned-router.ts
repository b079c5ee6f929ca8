import { CommandError, ERROR_CODES } from "@meshfleet/shared";
import type { CommandResult, CommandRunner, RunOptions } from "@meshfleet/shared";

/**
 * Test support (agent tests and the agent-cycle benchmark): a "router" that answers the
 * collectors' commands with canned text in the exact format the real tools print
 * (iw 5.x/6.x, BIRD 2, nft 1.0 JSON, OpenWrt 23.05 ubus). It is not the simulated mesh:
 * one node, fixed outputs that a test may replace, and it fails loudly on any command
 * it does not know.
 */
export interface RouterProfile {
  node: number;
  stations: number;
  meshPaths: number;
  routes: number;
  counters: number;
}

const mac = (a: number, b: number) => `02:${hex(a >> 8)}:${hex(a & 255)}:00:${hex(b >> 8)}:${hex(b & 255)}`;
function hex(n: number): string {
  return n.toString(16).padStart(2, "0");
}
const lladdr = (n: number) => `fe80::${(n & 0xffff).toString(16)}:ff:fe00:${(n & 0xffff).toString(16)}`;

function iwDev(p: RouterProfile): string {
  return [
    "phy#1",
    "\tInterface mesh0",
    "\t\tifindex 9",
    "\t\twdev 0x100000002",
    `\t\taddr ${mac(p.node, 1)}`,
    "\t\ttype mesh point",
    "\t\tchannel 36 (5180 MHz), width: 80 MHz, center1: 5210 MHz",
    "\t\ttxpower 20.00 dBm",
    "phy#0",
    "\tInterface wlan0",
    "\t\tifindex 8",
    "\t\twdev 0x1",
    `\t\taddr ${mac(p.node, 0)}`,
    "\t\tssid HomeMesh",
    "\t\ttype AP",
    "\t\tchannel 6 (2437 MHz), width: 20 MHz, center1: 2437 MHz",
    "\t\ttxpower 20.00 dBm",
    "",
  ].join("\n");
}

function station(iface: string, m: string, i: number, meshPeer: boolean): string {
  const sig = -40 - (i % 40);
  const lines = [
    `Station ${m} (on ${iface})`,
    `\tinactive time:\t${(i * 37) % 5000} ms`,
    `\trx bytes:\t${1_000_000 + i * 7919}`,
    `\trx packets:\t${10_000 + i * 13}`,
    `\ttx bytes:\t${2_000_000 + i * 104_729}`,
    `\ttx packets:\t${9_000 + i * 11}`,
    `\ttx retries:\t${i * 3}`,
    `\ttx failed:\t${i % 4}`,
    "\tbeacon loss:\t0",
    `\tsignal:  \t${sig} [${sig - 2}, ${sig - 3}] dBm`,
    `\tsignal avg:\t${sig - 1} [${sig - 3}, ${sig - 4}] dBm`,
    meshPeer ? "\ttx bitrate:\t866.7 MBit/s VHT-MCS 9 80MHz short GI VHT-NSS 2" : "\ttx bitrate:\t65.0 MBit/s MCS 6 short GI",
    meshPeer ? "\trx bitrate:\t650.0 MBit/s VHT-MCS 7 80MHz short GI VHT-NSS 2" : "\trx bitrate:\t58.5 MBit/s MCS 5",
    `\texpected throughput:\t${meshPeer ? "412.500" : "44.250"}Mbps`,
  ];
  if (meshPeer) {
    lines.push(
      `\tmesh llid:\t${1000 + i}`,
      `\tmesh plid:\t${2000 + i}`,
      "\tmesh plink:\tESTAB",
      `\tmesh airtime link metric: ${150 + i}`,
      "\tmesh connected to gate:\tno",
      "\tmesh local PS mode:\tACTIVE",
      "\tmesh peer PS mode:\tACTIVE",
      "\tmesh non-peer PS mode:\tACTIVE",
    );
  }
  lines.push(
    "\tauthorized:\tyes",
    "\tauthenticated:\tyes",
    "\tassociated:\tyes",
    "\tpreamble:\tlong",
    "\tWMM/WME:\tyes",
    "\tMFP:\t\tno",
    "\tTDLS peer:\tno",
    "\tDTIM period:\t2",
    "\tbeacon interval:100",
    "\tshort slot time:yes",
    `\tconnected time:\t${600 + i * 17} seconds`,
  );
  return lines.join("\n");
}

function stationDump(p: RouterProfile, iface: "wlan0" | "mesh0"): string {
  const peers = Math.min(p.meshPaths, p.stations);
  const clients = p.stations - peers;
  const out: string[] = [];
  if (iface === "mesh0") for (let i = 0; i < peers; i++) out.push(station("mesh0", mac(100 + i, 1), i, true));
  else for (let i = 0; i < clients; i++) out.push(station("wlan0", mac(5000 + p.node, 100 + i), i, false));
  return out.length ? `${out.join("\n")}\n` : "";
}

function mpathDump(p: RouterProfile): string {
  const rows = ["DEST ADDR         NEXT HOP          IFACE\tSN\tMETRIC\tQLEN\tEXPTIME\t\tDTIM\tDRET\tFLAGS\tHOP_COUNT\tPATH_CHANGE"];
  for (let i = 0; i < p.meshPaths; i++) {
    const dest = mac(100 + i, 1);
    const direct = i % 4 !== 3;
    const next = direct ? dest : mac(100 + (i - 1), 1);
    rows.push(`${dest} ${next} mesh0\t${100 + i}\t${direct ? 170 : 340}\t0\t${1000 + i * 10}\t\t100\t0\t0x15\t${direct ? 1 : 2}\t${i % 3}`);
  }
  return `${rows.join("\n")}\n`;
}

const BIRD_READY = "BIRD 2.0.12 ready.";

function birdProtocols(): string {
  return [
    BIRD_READY,
    "Name       Proto      Table      State  Since         Info",
    "device1    Device     ---        up     09:30:01.123  ",
    "direct1    Direct     ---        up     09:30:01.123  ",
    "kernel1    Kernel     master6    up     09:30:01.123  ",
    "rip1       RIP        master6    up     09:30:01.456  ",
    "",
  ].join("\n");
}

function birdRipNeighbors(p: RouterProfile): string {
  const rows = [BIRD_READY, "rip1:", "IP address                Interface  Metric Routes    Seen"];
  const n = Math.max(1, Math.min(8, p.meshPaths));
  for (let i = 0; i < n; i++) rows.push(`${lladdr(100 + i).padEnd(25)} mesh0           1     ${String(Math.ceil(p.routes / n)).padStart(2)}    ${(i * 1.7 + 0.5).toFixed(3)}`);
  return `${rows.join("\n")}\n`;
}

function birdRipInterfaces(): string {
  return [BIRD_READY, "rip1:", "Interface  State  Metric   Nbrs   Timer", "mesh0      Up          1      8   12.345", "br-lan     Up          1      0   23.456", ""].join("\n");
}

function birdRoutes(p: RouterProfile): string {
  const rows = [BIRD_READY, "Table master6:"];
  for (let i = 0; i < p.routes; i++) {
    const prefix = `fd00:${(i + 1).toString(16)}::/64`.padEnd(20);
    if (i === 0) {
      rows.push(`${prefix} unicast [direct1 09:30:01.123] * (240)`, "\tdev br-lan");
      continue;
    }
    rows.push(`${prefix} unicast [rip1 09:34:${String(i % 60).padStart(2, "0")}.143] * (120/${1 + (i % 5)})`, `\tvia ${lladdr(100 + (i % 8))} on mesh0`);
  }
  return `${rows.join("\n")}\n`;
}

function nftJson(p: RouterProfile): string {
  const items: unknown[] = [
    { metainfo: { version: "1.0.6", release_name: "Lester Gooch #5", json_schema_version: 1 } },
    { table: { family: "inet", name: "fw4", handle: 1 } },
    { chain: { family: "inet", table: "fw4", name: "input", handle: 1, type: "filter", hook: "input", prio: 0, policy: "drop" } },
  ];
  for (let i = 0; i < p.counters; i++) {
    const port = i === 0 ? 521 : i === 1 ? 6696 : 10_000 + i;
    items.push({
      rule: {
        family: "inet",
        table: "fw4",
        chain: "input",
        handle: 100 + i,
        comment: `!fw4: ${i === 0 ? "Allow-RIPng" : i === 1 ? "Allow-Babel" : `Allow-Port-${port}`}`,
        expr: [
          { match: { op: "==", left: { payload: { protocol: "udp", field: "dport" } }, right: port } },
          { counter: { packets: 1000 * (i + 1), bytes: 96_000 * (i + 1) } },
          { accept: null },
        ],
      },
    });
  }
  return `${JSON.stringify({ nftables: items })}\n`;
}

function ubusBoard(p: RouterProfile): string {
  return `${JSON.stringify(
    {
      kernel: "5.15.150",
      hostname: `r${p.node}`,
      system: "ARMv7 Processor rev 5 (v7l)",
      model: "Linksys E8450 (UBI)",
      board_name: "linksys,e8450-ubi",
      rootfs_type: "squashfs",
      release: { distribution: "OpenWrt", version: "23.05.3", revision: "r23809-234f1a2efa", target: "mediatek/mt7622", description: "OpenWrt 23.05.3 r23809-234f1a2efa" },
    },
    null,
    "\t",
  )}\n`;
}

function wirelessStatus(): string {
  const radio = (name: string, band: string, channel: string, ifaces: unknown[]) => ({
    up: true,
    pending: false,
    autostart: true,
    disabled: false,
    retry_setup_failed: false,
    config: { band, channel, htmode: band === "5g" ? "VHT80" : "HT20", cell_density: 0 },
    interfaces: ifaces,
  });
  return `${JSON.stringify(
    {
      radio0: radio("radio0", "2g", "6", [
        { section: "default_radio0", ifname: "wlan0", config: { mode: "ap", ssid: "HomeMesh", encryption: "sae-mixed", key: "correct horse battery", ieee80211r: true, mobility_domain: "4f57", network: ["lan"] } },
      ]),
      radio1: radio("radio1", "5g", "36", [{ section: "mesh", ifname: "mesh0", config: { mode: "mesh", mesh_id: "backhaul", encryption: "sae", key: "mesh secret", network: ["lan"] } }]),
    },
    null,
    "\t",
  )}\n`;
}

function ipAddr(p: RouterProfile): string {
  const link = (ifindex: number, ifname: string, address: string, addr_info: unknown[]) => ({ ifindex, ifname, flags: ["BROADCAST", "MULTICAST", "UP"], mtu: 1500, link_type: "ether", address, addr_info });
  return `${JSON.stringify([
    { ifindex: 1, ifname: "lo", link_type: "loopback", address: "00:00:00:00:00:00", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host" }] },
    link(7, "br-lan", mac(p.node, 2), [
      { family: "inet", local: "192.168.1.1", prefixlen: 24, scope: "global" },
      { family: "inet6", local: `fd00:${p.node.toString(16)}::1`, prefixlen: 64, scope: "global" },
      { family: "inet6", local: lladdr(p.node), prefixlen: 64, scope: "link" },
    ]),
    link(8, "wlan0", mac(p.node, 0), []),
    link(9, "mesh0", mac(p.node, 1), [{ family: "inet6", local: lladdr(p.node + 1), prefixlen: 64, scope: "link" }]),
  ])}\n`;
}

/** `iw dev IF survey dump` as iw prints it: the in-use channel with cumulative times, one idle neighbour channel. */
function surveyDump(p: RouterProfile, iface: string, freq: number, other: number): string {
  const active = 3_600_000 + p.node * 1000;
  const block = (f: number, inUse: boolean, a: number) =>
    `Survey data from ${iface}\n\tfrequency:\t\t\t${f} MHz${inUse ? " [in use]" : ""}\n\tnoise:\t\t\t\t-95 dBm\n` +
    `\tchannel active time:\t\t${a} ms\n\tchannel busy time:\t\t${Math.floor(a * 0.3)} ms\n` +
    `\tchannel receive time:\t\t${Math.floor(a * 0.2)} ms\n\tchannel transmit time:\t\t${Math.floor(a * 0.05)} ms\n`;
  return block(freq, true, active) + block(other, false, 210);
}

/** Every command the collectors run, with this profile's output. */
export function routerOutputs(p: RouterProfile): Map<string, string> {
  return new Map([
    ["iw dev", iwDev(p)],
    ["iw dev wlan0 station dump", stationDump(p, "wlan0")],
    ["iw dev mesh0 station dump", stationDump(p, "mesh0")],
    ["iw dev mesh0 mpath dump", mpathDump(p)],
    ["iw dev mesh0 survey dump", surveyDump(p, "mesh0", 5180, 5200)],
    ["iw dev wlan0 survey dump", surveyDump(p, "wlan0", 2437, 2412)],
    ["birdc show protocols", birdProtocols()],
    ["birdc show rip neighbors", birdRipNeighbors(p)],
    ["birdc show rip interfaces", birdRipInterfaces()],
    ["birdc show route", birdRoutes(p)],
    ["nft -j list ruleset", nftJson(p)],
    ["ubus call system board", ubusBoard(p)],
    ["ubus call network.wireless status", wirelessStatus()],
    ["ubus call network.interface dump", JSON.stringify({ interface: [{ interface: "wan6", up: true, "ipv6-prefix": [{ address: "2001:db8:1200::", mask: 56, preferred: 3600, valid: 7200 }] }] })],
    ["cat /tmp/dhcp.leases", `1764979200 ${mac(5000 + p.node, 100)} 192.168.1.101 phone-1 *\n0 ${mac(5000 + p.node, 101)} 192.168.1.102 * *\n`],
    ["cat /proc/uptime", `${35_000 + p.node}.47 61234.90\n`],
    ["cat /proc/loadavg", "0.08 0.03 0.01 1/61 1234\n"],
    ["cat /proc/meminfo", "MemTotal:         245760 kB\nMemFree:          120184 kB\nMemAvailable:     150040 kB\n"],
    ["ip -j addr show", ipAddr(p)],
    ["cat /proc/sys/kernel/hostname", `r${p.node}\n`],
  ]);
}

export type CannedAnswer = string | { stdout?: string; stderr?: string; exitCode: number } | { throw: "not-found" | "timeout" };

/** A CommandRunner answering from a map of `argv.join(" ")` -> answer; tests may replace answers. */
export class CannedRouter implements CommandRunner {
  readonly description: string;
  readonly answers: Map<string, CannedAnswer>;
  readonly calls: string[] = [];

  constructor(profile: Partial<RouterProfile> = {}) {
    const p: RouterProfile = { node: 1, stations: 6, meshPaths: 3, routes: 5, counters: 4, ...profile };
    this.description = `canned r${p.node}`;
    this.answers = new Map(routerOutputs(p));
  }

  run(argv: readonly string[], _opts?: RunOptions): Promise<CommandResult> {
    const key = argv.join(" ");
    this.calls.push(key);
    const a = this.answers.get(key);
    if (a === undefined || (typeof a === "object" && "throw" in a)) {
      const timeout = a !== undefined && a.throw === "timeout";
      const code = timeout ? ERROR_CODES.commandTimeout : ERROR_CODES.commandNotFound;
      return Promise.reject(new CommandError(code, `${argv[0]}: ${timeout ? "timed out" : "not found"}`, { argv, exitCode: null, stderr: "" }));
    }
    if (typeof a === "string") return Promise.resolve({ stdout: a, stderr: "", exitCode: 0 });
    return Promise.resolve({ stdout: a.stdout ?? "", stderr: a.stderr ?? "", exitCode: a.exitCode });
  }
}
