import type { CommandResult } from "@meshfleet/shared";
import { WAN_IPV4, wanGlobalAddress } from "./build";
import { renderBirdRoutes } from "./render/bird";
import { NOISE_FLOOR_DBM } from "./radio";
import { noise } from "./random";
import { nodeUp } from "./topology";
import { takeListener } from "./iperf";
import type { SimNode } from "./types";
import type { World } from "./world";

const ok = (stdout: string, exitCode = 0): CommandResult => ({ stdout, stderr: "", exitCode });

/** The world node a diagnostic target names (node id, its LAN address, a gateway's WAN addresses), or null. */
function resolve(w: World, target: string): SimNode | null {
  const t = target.toLowerCase();
  return w.model.nodes.find((n) => n.id === t || n.lanAddress === t || (n.gateway && (t === WAN_IPV4 || t === wanGlobalAddress(w.model, n)))) ?? null;
}

/** The mesh path from `from` to `to` (the nodes after `from`, ending with `to`), or null when unreachable. */
function path(w: World, from: SimNode, to: SimNode): SimNode[] | null {
  if (from.site !== to.site || !nodeUp(to, w.now)) return null;
  const site = w.model.sites[from.site]!;
  const t = w.tables(from, w.now);
  const out: SimNode[] = [];
  let cur = from;
  while (cur.index !== to.index) {
    const next = t.meshNext[cur.local * t.n + to.local]!;
    if (next < 0 || out.length > t.n) return null;
    cur = w.model.nodes[site.nodes[next]!]!;
    out.push(cur);
  }
  return out;
}

/** One-way latency of a hop (ms): more airtime and retries on a weaker link. */
function hopMs(w: World, a: SimNode, b: SimNode, k: number): number {
  const t = w.tables(a, w.now);
  const s = t.signal[a.local * t.n + b.local]!;
  const snr = Number.isNaN(s) ? 5 : s - NOISE_FLOOR_DBM;
  return 0.4 + Math.max(0, 35 - snr) * 0.09 + noise(w.model.seed, a.index * 7919 + b.index, k) * 0.6;
}

/** Chance a probe is lost on a hop. */
function hopLoss(w: World, a: SimNode, b: SimNode): number {
  const t = w.tables(a, w.now);
  const s = t.signal[a.local * t.n + b.local]!;
  const snr = Number.isNaN(s) ? 0 : s - NOISE_FLOOR_DBM;
  return Math.min(0.9, Math.max(0, (14 - snr) / 20));
}

function rtt(w: World, from: SimNode, hops: SimNode[], k: number): { ms: number; lost: boolean } {
  let ms = 0.05;
  let prev = from;
  let lost = false;
  for (const h of hops) {
    ms += 2 * hopMs(w, prev, h, k);
    if (noise(w.model.seed, prev.index * 31 + h.index, k, 99) < hopLoss(w, prev, h)) lost = true;
    prev = h;
  }
  return { ms, lost };
}

/**
 * `ping`/`ping6`/`traceroute` as busybox prints them on OpenWrt, answered from the world:
 * round-trip times follow the mesh path's hops and each hop's link quality, probes get
 * lost on weak links, traceroute lists the mesh path. Null for other commands.
 */
export function diagAnswer(w: World, node: SimNode, argv: readonly string[]): CommandResult | null {
  if (argv[0] === "iw" && argv[1] === "dev" && argv[3] === "scan" && argv.length === 4) return scanAnswer(w, node, argv[2]!);
  if (argv[0] === "birdc" && argv[1] === "show" && argv[2] === "route" && argv[3] === "for" && argv.length === 5) return routeForAnswer(w, node, argv[4]!);
  if (argv[0] === "ip" && argv[2] === "route" && argv[3] === "show" && argv[4] === "match" && argv[6] === "proto" && argv[7] === "babel" && argv.length === 8) return babelRouteMatchAnswer(w, node, argv[1]!, argv[5]!);
  const cmd = argv[0];
  if (cmd === "iperf3") return iperfAnswer(w, node, argv);
  if (cmd !== "ping" && cmd !== "ping6" && cmd !== "traceroute") return null;
  const target = argv[argv.length - 1] ?? "";
  const dest = resolve(w, target);
  if (!dest) return { stdout: "", stderr: `${cmd}: bad address '${target}'\n`, exitCode: 1 };
  const hops = dest.index === node.index ? [] : path(w, node, dest);
  const addr = dest.lanAddress;
  const k0 = Math.floor(w.now / 1000);
  if (cmd === "traceroute") {
    const max = Number(argv[argv.indexOf("-m") + 1] ?? 30);
    let out = `traceroute to ${addr} (${addr}), ${max} hops max, 52 byte packets\n`;
    if (hops === null) return ok(`${out} 1  *\n`);
    hops.slice(0, max).forEach((h, i) => {
      const r = rtt(w, node, hops.slice(0, i + 1), k0 + i);
      out += ` ${i + 1}  ${h.lanAddress}  ${r.ms.toFixed(3)} ms\n`;
    });
    return ok(out);
  }
  const count = Number(argv[argv.indexOf("-c") + 1] ?? 4);
  const size = Number(argv[argv.indexOf("-s") + 1] ?? 56);
  let out = `PING ${addr} (${addr}): ${size} data bytes\n`;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    if (hops === null) continue;
    const r = rtt(w, node, hops, k0 + i);
    if (r.lost) continue;
    times.push(r.ms);
    out += `${size + 8} bytes from ${addr}: seq=${i} ttl=${64 - hops.length} time=${r.ms.toFixed(3)} ms\n`;
  }
  const lossPct = Math.round(((count - times.length) * 100) / count);
  out += `\n--- ${addr} ping statistics ---\n${count} packets transmitted, ${times.length} packets received, ${lossPct}% packet loss\n`;
  if (times.length > 0) {
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    out += `round-trip min/avg/max = ${Math.min(...times).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...times).toFixed(3)} ms\n`;
  }
  return ok(out, times.length > 0 ? 0 : 1);
}

const freqOf = (channel: number): number => (channel <= 14 ? (channel === 14 ? 2484 : 2407 + 5 * channel) : 5000 + 5 * channel);

/**
 * `iw dev IF scan` as iw prints it (`BSS <mac>(on IF)` blocks), from the world: the radio
 * behind IF (mesh0: the mesh radio, else the AP radio) hears the other nodes of its site
 * on its band whose link to this node is usable, each node's AP (the fleet SSID, WPA2
 * PSK) and mesh point (its mesh id, SAE) on the channels they run, at the link's signal.
 */
export function scanAnswer(w: World, node: SimNode, iface: string): CommandResult {
  if (iface !== "mesh0" && iface !== "wlan0") return { stdout: "", stderr: `command failed: No such device (-19)\n`, exitCode: 237 };
  const own = iface === "mesh0" ? node.meshChannel : node.apChannel;
  const band = (c: number) => (c <= 14 ? 2 : 5);
  const t = w.tables(node, w.now);
  const site = w.model.sites[node.site]!;
  let out = "";
  const k0 = Math.floor(w.now / 1000);
  for (const idx of site.nodes) {
    const other = w.model.nodes[idx]!;
    if (other.index === node.index || !nodeUp(other, w.now)) continue;
    const sig = t.signal[node.local * t.n + other.local]!;
    if (Number.isNaN(sig)) continue;
    const heard = [
      { mac: other.macs.ap, channel: other.apChannel, ssid: w.model.wireless.ssid, meshId: null as string | null, auth: "PSK", beacon: 100, cap: "ESS Privacy ShortSlotTime (0x0411)" },
      { mac: other.macs.mesh, channel: other.meshChannel, ssid: "", meshId: other.meshId, auth: "SAE", beacon: 1000, cap: "IBSS Privacy (0x0012)" },
    ].filter((b) => band(b.channel) === band(own));
    for (const [i, b] of heard.entries()) {
      const dbm = Math.round(sig + (noise(w.model.seed, other.index * 13 + i, k0) - 0.5) * 4);
      const seen = Math.floor(noise(w.model.seed, other.index * 17 + i, k0, 5) * 900);
      out += `BSS ${b.mac}(on ${iface})\n\tfreq: ${freqOf(b.channel)}\n\tbeacon interval: ${b.beacon} TUs\n\tcapability: ${b.cap}\n\tsignal: ${dbm}.00 dBm\n\tlast seen: ${seen} ms ago\n\tSSID: ${b.ssid}\n`;
      if (b.meshId) out += `\tMESH ID: ${b.meshId}\n`;
      if (b.channel <= 14) out += `\tDS Parameter set: channel ${b.channel}\n`;
      out += `\tRSN:\t * Version: 1\n\t\t * Group cipher: CCMP\n\t\t * Pairwise ciphers: CCMP\n\t\t * Authentication suites: ${b.auth}\n`;
      out += `\tHT operation:\n\t\t * primary channel: ${b.channel}\n\t\t * secondary channel offset: no secondary\n\t\t * STA channel width: 20 MHz\n`;
    }
  }
  return ok(out);
}

/** An IPv6 address as a 128-bit number, or null. */
function v6(addr: string): bigint | null {
  const [head, tail, more] = addr.split("::");
  if (more !== undefined) return null;
  const h = head ? head.split(":") : [];
  const t = tail !== undefined ? (tail ? tail.split(":") : []) : [];
  const groups = tail !== undefined ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The length of `prefix` when it holds the address `addr`, else -1. */
function holdsLength(prefix: string, addr: bigint | null): number {
  const [p, l] = prefix.split("/");
  const len = Number(l ?? 128);
  const net = v6(p!);
  if (addr === null || net === null) return -1;
  const mask = len === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - len)) - 1n);
  return (addr & mask) === (net & mask) ? len : -1;
}

/**
 * `ip -6 route show match <address|prefix> proto babel` on a node whose routes babeld
 * installs: the kernel's babel routes that hold the address (or the whole prefix), as
 * iproute2 prints them; nothing (exit 0) when none does or the node does not run Babel.
 * The simulated mesh routes IPv6 only: `-4` prints nothing.
 */
export function babelRouteMatchAnswer(w: World, node: SimNode, family: string, target: string): CommandResult {
  if (family !== "-6" || node.routing !== "babel") return ok("");
  const [a, l] = target.split("/");
  const addr = v6(a!);
  const want = Number(l ?? 128);
  const lines = w
    .viewsAt(node, w.now)
    .routes.filter((r) => r.protocol === "babel1" && r.via !== null && r.metric !== null && r.metric < 0xffff)
    .filter((r) => {
      const len = holdsLength(r.prefix, addr);
      return len >= 0 && len <= want;
    })
    .map((r) => `${r.prefix === "::/0" ? "default" : r.prefix} via ${r.via} dev ${r.iface} proto babel metric 1024 pref medium\n`);
  return ok(lines.join(""));
}

/**
 * `birdc show route for <address|prefix>`: the routes of the longest prefix that holds the
 * address, as BIRD 2 prints them (the simulated mesh routes IPv6 only).
 */
export function routeForAnswer(w: World, node: SimNode, target: string): CommandResult {
  const addr = v6(target.split("/")[0]!);
  const routes = w.viewsAt(node, w.now).routes;
  let best = -1;
  const holds = (prefix: string) => holdsLength(prefix, addr);
  for (const r of routes) best = Math.max(best, holds(r.prefix));
  if (best < 0) return { stdout: "BIRD 2.0.12 ready.\nNetwork not found\n", stderr: "", exitCode: 0 };
  return ok(renderBirdRoutes(routes.filter((r) => holds(r.prefix) === best), w.now));
}

/** Throughput a hop carries (Mbit/s): its PHY rate from the signal-to-noise ratio, about 60% of it as TCP goodput. */
function hopMbps(w: World, a: SimNode, b: SimNode): number {
  const t = w.tables(a, w.now);
  const sigv = t.signal[a.local * t.n + b.local]!;
  const snr = Number.isNaN(sigv) ? 0 : sigv - NOISE_FLOOR_DBM;
  const phy = snr >= 35 ? 866 : snr >= 29 ? 585 : snr >= 24 ? 390 : snr >= 18 ? 234 : snr >= 12 ? 117 : snr >= 6 ? 29 : 6.5;
  return phy * 0.6;
}

/**
 * `iperf3 -c <target> -t N -f m` (client to the target node's server): per-second
 * intervals and the sender/receiver summary; the rate is the path's weakest hop shared
 * by the hops that relay on the same channel (each relay halves it), with a little jitter.
 * The target must run `iperf3 -s` (refused otherwise); its server prints the same test as
 * the receiver saw it.
 */
export function iperfAnswer(w: World, node: SimNode, argv: readonly string[]): CommandResult {
  const target = argv[argv.indexOf("-c") + 1] ?? "";
  const secs = Math.max(1, Number(argv[argv.indexOf("-t") + 1] ?? 5));
  const dest = resolve(w, target);
  if (!dest || dest.index === node.index) return { stdout: "", stderr: `iperf3: error - unable to connect to server: Connection refused\n`, exitCode: 1 };
  const hops = path(w, node, dest);
  if (hops === null) return { stdout: "", stderr: `iperf3: error - unable to connect to server: No route to host\n`, exitCode: 1 };
  const server = takeListener(w, dest);
  if (!server) return { stdout: "", stderr: `iperf3: error - unable to connect to server: Connection refused\n`, exitCode: 1 };
  let prev = node;
  let weakest = Infinity;
  for (const h of hops) {
    weakest = Math.min(weakest, hopMbps(w, prev, h));
    prev = h;
  }
  const base = weakest / hops.length;
  const k0 = Math.floor(w.now / 1000);
  const addr = dest.lanAddress;
  const pad = (v: string, n: number) => v.padStart(n);
  let out = `Connecting to host ${addr}, port 5201\n[  5] local ${node.lanAddress} port 41234 connected to ${addr} port 5201\n[ ID] Interval           Transfer     Bitrate\n`;
  let total = 0;
  let received = `Accepted connection from ${node.lanAddress}, port 41232\n[  5] local ${addr} port 5201 connected to ${node.lanAddress} port 41234\n[ ID] Interval           Transfer     Bitrate\n`;
  for (let i = 0; i < secs; i++) {
    const mbps = base * (0.9 + noise(w.model.seed, node.index * 101 + dest.index, k0 + i, 7) * 0.2);
    total += mbps;
    out += `[  5] ${pad(`${i}.00-${i + 1}.00`, 11)}  sec  ${pad((mbps / 8).toFixed(1), 5)} MBytes  ${pad(mbps.toFixed(1), 6)} Mbits/sec\n`;
    received += `[  5] ${pad(`${i}.00-${i + 1}.00`, 11)}  sec  ${pad(((mbps * 0.99) / 8).toFixed(1), 5)} MBytes  ${pad((mbps * 0.99).toFixed(1), 6)} Mbits/sec\n`;
  }
  const avg = total / secs;
  received += `- - - - - - - - - - - - - - - - - - - - - - - - -\n[ ID] Interval           Transfer     Bitrate\n`;
  received += `[  5] ${pad(`0.00-${secs}.00`, 11)}  sec  ${pad(((total * 0.99) / 8).toFixed(1), 5)} MBytes  ${pad((avg * 0.99).toFixed(1), 6)} Mbits/sec                  receiver\n`;
  server.connect(received);
  out += `- - - - - - - - - - - - - - - - - - - - - - - - -\n[ ID] Interval           Transfer     Bitrate\n`;
  out += `[  5] ${pad(`0.00-${secs}.00`, 11)}  sec  ${pad((total / 8).toFixed(1), 5)} MBytes  ${pad(avg.toFixed(1), 6)} Mbits/sec                  sender\n`;
  out += `[  5] ${pad(`0.00-${secs}.00`, 11)}  sec  ${pad(((total * 0.99) / 8).toFixed(1), 5)} MBytes  ${pad((avg * 0.99).toFixed(1), 6)} Mbits/sec                  receiver\n\niperf Done.\n`;
  return ok(out);
}
