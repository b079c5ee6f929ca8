import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { must, run } from "./exec";
import { missingProgram, type LabDaemon } from "./daemons";
import { isLost, kernelStates } from "./kernel";
import { createNamespace, labNamespace, destroyNamespace, linkLocalOf, setLink, vethLink } from "./netns";

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
  /** The daemon's control socket. */
  ctl: string;
  /** The node's own /64 (on its `lan0`). */
  prefix: string;
  links: LabLink[];
  /** Link-local address per interface. */
  linkLocal: Record<string, string>;
}

export interface RoutingLabOptions {
  daemon: LabDaemon;
  /** Namespace names are `mflab-<tag>-<pid>-N` (labs with different tags can run side by side). */
  tag: string;
  /** Nodes in the ring (>= 3). */
  size?: number;
  /** Nodes whose firewall lacks the accept rule for the protocol's port (lint must notice). */
  withoutAccept?: readonly string[];
}

/** The stub prefix the scenario withdraws and re-adds: a second /64 on `lan0` of the node that owns it. */
export const STUB_PREFIX = "2001:db8:ff::/64";
const STUB_ADDRESS = "2001:db8:ff::1/64";

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
 * routing daemon (BIRD 2 RIPng or Babel, BIRD 1.6 RIPng, babeld) with its own control socket.
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
      const protocol = this.o.daemon.protocol;
      writeFileSync(file, nftRuleset({ rip: !(without && protocol === "rip"), babel: !(without && protocol === "babel") }));
      await must(["ip", "netns", "exec", n.ns, "nft", "-f", file]);
    }
  }

  /** Starts the daemon in every namespace. */
  async startDaemons(): Promise<void> {
    const d = this.o.daemon;
    for (const n of this.nodes) {
      const conf = join(this.dir, `${n.id}.conf`);
      const pidFile = join(this.dir, `${n.id}.pid`);
      writeFileSync(conf, d.config(n));
      await must(["ip", "netns", "exec", n.ns, ...d.start(n, conf, pidFile, this.dir)]);
      for (let i = 0; i < 50 && !this.pids.has(n.id); i++) {
        const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0;
        if (pid > 0) this.pids.set(n.id, pid);
        else await new Promise((r) => setTimeout(r, 50));
      }
      if (!this.pids.has(n.id)) throw new Error(`${d.name} did not start in ${n.ns} (no pid in ${pidFile})`);
    }
  }

  /** Every /64 the lab's nodes originate (own prefixes and, when present, the stub). */
  prefixes(): string[] {
    return [...this.nodes.map((n) => n.prefix), STUB_PREFIX];
  }

  /** The prefixes a node's kernel routes through the daemon (everything but its own). */
  learnable(id: string): string[] {
    const n = this.node(id);
    return this.prefixes().filter((p) => p !== n.prefix && !(p === STUB_PREFIX && id === this.stubOwner));
  }

  /** Who owns the stub prefix. */
  readonly stubOwner = "r3";

  /** Adds (true) or removes (false) the stub prefix on its owner's `lan0` (an address, or a static route; see LabDaemon.stub). */
  async setStub(present: boolean): Promise<void> {
    const ns = this.node(this.stubOwner).ns;
    if (this.o.daemon.stub === "address") await must(["ip", "-n", ns, "addr", present ? "add" : "del", STUB_ADDRESS, "dev", "lan0"]);
    else await must(["ip", "-n", ns, "route", present ? "add" : "del", STUB_PREFIX, "dev", "lan0", "proto", "static"]);
  }

  /** Waits until every node's kernel has a unicast route to every prefix it learns (the stub when `stub`). */
  async waitConverged(stub: boolean, timeoutMs = 60_000): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      const missing: string[] = [];
      for (const n of this.nodes) {
        const want = this.learnable(n.id).filter((p) => stub || p !== STUB_PREFIX);
        const states = kernelStates(await must(["ip", "-n", n.ns, "-6", "-j", "route", "show"]), want);
        for (const p of want) if (isLost(states[p]!)) missing.push(`${n.id}:${p}`);
      }
      if (missing.length === 0) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`the lab did not converge within ${timeoutMs} ms; kernel routes missing: ${missing.join(" ")}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The kernel's route to a prefix on a node (`via fe80::…%v12`, `lost`). */
  async kernelRoute(id: string, prefix: string): Promise<string> {
    return kernelStates(await must(["ip", "-n", this.node(id).ns, "-6", "-j", "route", "show"]), [prefix])[prefix]!;
  }

  /** Cuts (down) or restores (up) the link between two nodes, on a's side. */
  async setLink(a: string, b: string, up: boolean): Promise<void> {
    const l = this.node(a).links.find((x) => x.peer === b);
    if (!l) throw new Error(`no link ${a}-${b}`);
    await setLink(this.node(a).ns, l.iface, up);
  }

  /** Stops the daemons (by pid) and deletes the namespaces and the temp dir; safe to call twice. */
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
export async function labPrerequisites(daemon: LabDaemon): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the routing lab needs root (network namespaces, veth, nftables); run the test suite as root");
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"]);
  for (const bin of ["nft", "ip"]) {
    if (!dirs.some((d) => d && existsSync(join(d, bin)))) throw new Error(`the routing lab needs ${bin} (Debian packages nftables, iproute2)`);
  }
  const missing = missingProgram(daemon);
  if (missing) throw new Error(`the ${daemon.label} lab needs ${missing}; .ci/run installs it`);
  await run(["ip", "netns", "list"]);
}
