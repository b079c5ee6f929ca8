import type { CommandResult } from "@meshfleet/shared";
import { NOISE_FLOOR_DBM } from "./radio";
import { noise } from "./random";
import { nodeUp } from "./topology";
import type { SimNode } from "./types";
import type { World } from "./world";

const ok = (stdout: string, exitCode = 0): CommandResult => ({ stdout, stderr: "", exitCode });

/** The world node a diagnostic target names (node id, its LAN address), or null. */
function resolve(w: World, target: string): SimNode | null {
  return w.model.nodes.find((n) => n.id === target || n.lanAddress === target) ?? null;
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
  const cmd = argv[0];
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
