import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { must, run } from "./exec";
import { createNamespace, labNamespace, destroyNamespace, linkLocalOf, setLink, vethLink } from "./netns";

export type LabProtocol = "rip" | "babel";

export interface LabLink {
  /** Interface on this node (`v12` on r1 towards r2). */
  iface: string;
  peer: string;
  peerIface: string;
}

export interface LabNode {
  id: string;
  index: number;
  ns: string;
  ctl: string;
  /** The node's own /64 (on its `lan0`). */
  prefix: string;
  links: LabLink[];
  /** Link-local address per interface. */
  linkLocal: Record<string, string>;
}

export interface RoutingLabOptions {
  protocol: LabProtocol;
  /** Namespace names are `mflab-<tag>-<pid>-N` (labs with different tags can run side by side). */
  tag: string;
  /** Nodes in the ring (>= 3). */
  size?: number;
  /** Nodes whose firewall lacks the accept rule for the protocol's port (lint must notice). */
  withoutAccept?: readonly string[];
}

/** BIRD 2 configuration with fast timers, so failures converge in seconds. */
export function birdConfig(n: LabNode, protocol: LabProtocol): string {
  const common = [
    `router id 10.255.0.${n.index};`,
    "protocol device { scan time 1; }",
    'protocol direct direct1 { ipv6; interface "lan0"; }',
    "protocol kernel kernel6 { ipv6 { export all; }; }",
  ];
  const proto =
    protocol === "rip"
      ? ["protocol rip ng rip1 {", "  ipv6 { import all; export all; };", '  interface "v*" { update time 2; timeout time 10; };', "}"]
      : ["protocol babel babel1 {", "  ipv6 { import all; export all; };", '  interface "v*" { type wired; hello interval 1 s; update interval 4 s; };', "}"];
  return [...common, ...proto, ""].join("\n");
}

/** An fw4-like nftables table: input chain with counted accept rules for RIPng and Babel (policy accept, so nothing else breaks). */
export function nftRuleset(accept: { rip: boolean; babel: boolean }): string {
  const rules = [
    accept.rip ? '    meta nfproto ipv6 udp dport 521 ip6 saddr fe80::/10 counter accept comment "!fw4: Allow-RIPng"' : null,
    accept.babel ? '    meta nfproto ipv6 udp dport 6696 ip6 saddr fe80::/10 counter accept comment "!fw4: Allow-Babel"' : null,
    '    tcp dport 22 counter accept comment "!fw4: Allow-SSH"',
  ].filter(Boolean);
  return ["table inet fw4 {", "  chain input {", "    type filter hook input priority filter; policy accept;", ...rules, "  }", "}", ""].join("\n");
}

/**
 * A ring of network namespaces (`mflab-<tag>-<pid>-1` ..., nodes r1 ... rN) joined by veth links, each
 * with a /64 on `lan0`, IPv6 link-local addresses, an fw4-like nftables table and a real
 * BIRD 2 running RIPng or Babel with its own control socket.
 */
export class RoutingLab {
  readonly nodes: LabNode[] = [];
  readonly dir: string;
  private readonly pids = new Map<string, number>();

  private constructor(readonly o: RoutingLabOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "mflab-"));
  }

  static async create(o: RoutingLabOptions): Promise<RoutingLab> {
    const lab = new RoutingLab(o);
    try {
      await lab.build();
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  node(id: string): LabNode {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no lab node ${id}`);
    return n;
  }

  private async build(): Promise<void> {
    const size = this.o.size ?? 4;
    for (let i = 1; i <= size; i++) {
      const id = `r${i}`;
      this.nodes.push({ id, index: i, ns: labNamespace(this.o.tag, i), ctl: join(this.dir, `${id}.ctl`), prefix: `2001:db8:${i}::/64`, links: [], linkLocal: {} });
    }
    for (const n of this.nodes) await createNamespace(n.ns);
    for (const n of this.nodes) {
      await must(["ip", "-n", n.ns, "link", "add", "lan0", "type", "veth", "peer", "name", "lan1"]);
      await must(["ip", "-n", n.ns, "addr", "add", `2001:db8:${n.index}::1/64`, "dev", "lan0"]);
      for (const i of ["lan0", "lan1"]) await must(["ip", "-n", n.ns, "link", "set", i, "up"]);
    }
    for (let i = 0; i < size; i++) {
      const a = this.nodes[i]!;
      const b = this.nodes[(i + 1) % size]!;
      const ia = `v${a.index}${b.index}`;
      const ib = `v${b.index}${a.index}`;
      await vethLink(a.ns, ia, b.ns, ib);
      a.links.push({ iface: ia, peer: b.id, peerIface: ib });
      b.links.push({ iface: ib, peer: a.id, peerIface: ia });
    }
    for (const n of this.nodes) for (const l of n.links) n.linkLocal[l.iface] = await linkLocalOf(n.ns, l.iface);
    for (const n of this.nodes) {
      const without = this.o.withoutAccept?.includes(n.id) ?? false;
      const file = join(this.dir, `${n.id}.nft`);
      writeFileSync(file, nftRuleset({ rip: !(without && this.o.protocol === "rip"), babel: !(without && this.o.protocol === "babel") }));
      await must(["ip", "netns", "exec", n.ns, "nft", "-f", file]);
    }
  }

  /** Starts BIRD in every namespace. */
  async startBird(): Promise<void> {
    for (const n of this.nodes) {
      const conf = join(this.dir, `${n.id}.conf`);
      const pidFile = join(this.dir, `${n.id}.pid`);
      writeFileSync(conf, birdConfig(n, this.o.protocol));
      await must(["ip", "netns", "exec", n.ns, "bird", "-c", conf, "-s", n.ctl, "-P", pidFile]);
      for (let i = 0; i < 50 && !this.pids.has(n.id); i++) {
        try {
          this.pids.set(n.id, Number(readFileSync(pidFile, "utf8").trim()));
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }

  async birdc(id: string, ...args: string[]): Promise<string> {
    return must(["birdc", "-s", this.node(id).ctl, ...args]);
  }

  /** The prefixes in a node's BIRD table that it learned from a neighbour (not its own). */
  async learnedPrefixes(id: string): Promise<string[]> {
    const out = await this.birdc(id, "show", "route");
    return [...out.matchAll(/^(2001:db8:\d+::\/64)\s+unicast \[(rip1|babel1)/gm)].map((m) => m[1]!).sort();
  }

  /** Waits until every node has a route to every other node's /64. */
  async waitConverged(timeoutMs = 60_000): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      const counts = await Promise.all(this.nodes.map((n) => this.learnedPrefixes(n.id)));
      if (counts.every((c) => c.length === this.nodes.length - 1)) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`the lab did not converge within ${timeoutMs} ms: ${counts.map((c, i) => `${this.nodes[i]!.id}=${c.length}`).join(" ")}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Cuts (down) or restores (up) the link between two nodes, on a's side. */
  async setLink(a: string, b: string, up: boolean): Promise<void> {
    const l = this.node(a).links.find((x) => x.peer === b);
    if (!l) throw new Error(`no link ${a}-${b}`);
    await setLink(this.node(a).ns, l.iface, up);
  }

  /** Stops BIRD (by pid) and deletes the namespaces and the temp dir; safe to call twice. */
  async destroy(): Promise<void> {
    for (const [, pid] of this.pids) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // gone
      }
    }
    this.pids.clear();
    for (const n of this.nodes) await destroyNamespace(n.ns);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Fails with a clear message when the lab cannot run here. */
export async function labPrerequisites(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the routing lab needs root (network namespaces, veth, nftables); run the test suite as root");
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"]);
  for (const bin of ["bird", "birdc", "nft", "ip"]) {
    if (!dirs.some((d) => d && existsSync(join(d, bin)))) throw new Error(`the routing lab needs ${bin} (Debian packages bird2, nftables, iproute2)`);
  }
  await run(["ip", "netns", "list"]);
}
