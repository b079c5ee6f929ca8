import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalRunner } from "../runner/local";
import { PrefixedRunner } from "../runner/prefixed";
import { collectCounters, collectRouting, collectSystem } from "./index";
import type { CollectContext } from "./types";

/**
 * The collectors against real tools in a network namespace, read through the prefixed
 * runner the way a lab agent does: real BIRD 2 (RIPng + a static route) with its own
 * control socket, real nftables, real `ip`.
 */
const NS = `mf-lab-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), "mf-lab-"));
const sock = join(dir, "bird.ctl");

function sh(argv: string[]): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
}

const canRun = process.getuid?.() === 0 && existsSync("/usr/sbin/bird") && existsSync("/usr/sbin/nft");

beforeAll(() => {
  if (!canRun) throw new Error("the lab test needs root, bird2 and nftables");
  sh(["ip", "netns", "add", NS]);
  sh(["ip", "-n", NS, "link", "set", "lo", "up"]);
  sh(["ip", "-n", NS, "link", "add", "mesh0", "type", "veth", "peer", "name", "peer0"]);
  sh(["ip", "-n", NS, "link", "set", "peer0", "up"]);
  sh(["ip", "-n", NS, "link", "set", "mesh0", "address", "02:00:00:00:aa:01", "up"]);
  sh(["ip", "-n", NS, "-6", "addr", "add", "fd00:77::1/64", "dev", "mesh0", "nodad"]);
  writeFileSync(
    join(dir, "bird.conf"),
    `router id 10.0.0.1;
protocol device {}
protocol kernel { ipv6 { export none; }; }
protocol static static1 { ipv6; route fd00:99::/48 unreachable; }
protocol rip ng rip1 { ipv6 { import all; export all; }; interface "mesh0" { }; }
`,
  );
  sh(["ip", "netns", "exec", NS, "bird", "-c", join(dir, "bird.conf"), "-s", sock, "-P", join(dir, "bird.pid")]);
  sh(["ip", "netns", "exec", NS, "nft", "add", "table", "inet", "fw4"]);
  sh(["ip", "netns", "exec", NS, "nft", "add", "chain", "inet", "fw4", "input", "{ type filter hook input priority 0; policy accept; }"]);
  sh(["ip", "netns", "exec", NS, "nft", "add", "rule", "inet", "fw4", "input", "udp", "dport", "521", "counter", "accept", "comment", '"!fw4: Allow-RIPng"']);
});

afterAll(() => {
  spawnSync("sh", ["-c", `kill $(cat ${join(dir, "bird.pid")}) 2>/dev/null`]);
  spawnSync("ip", ["netns", "del", NS]);
  rmSync(dir, { recursive: true, force: true });
});

function ctx(): CollectContext {
  const runner = new PrefixedRunner(new LocalRunner(), { prefix: ["ip", "netns", "exec", NS], programs: { birdc: ["birdc", "-s", sock] } });
  return { runner, timeoutMs: 5000, routing: "auto", memo: {} };
}

describe("collectors in a network namespace with real BIRD 2 and nftables", () => {
  it("detects BIRD 2 through the namespace prefix and its own socket, and reads protocols and routes", async () => {
    let r = await collectRouting(ctx());
    // BIRD needs a moment after start to bring protocols and interfaces up.
    const ready = () => r.data?.routes.some((x) => x.prefix === "fd00:99::/48") && (r.data?.interfaces.length ?? 0) > 0;
    for (let i = 0; i < 50 && !ready(); i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await collectRouting(ctx());
    }
    expect(r.errors).toEqual([]);
    expect(r.data?.daemon).toBe("bird2");
    expect(r.data?.protocols.map((p) => p.name)).toEqual(expect.arrayContaining(["rip1", "static1", "device1", "kernel1"]));
    expect(r.data?.protocols.find((p) => p.name === "rip1")?.proto).toBe("RIP");
    expect(r.data?.interfaces.map((i) => [i.protocol, i.iface])).toEqual([["rip1", "mesh0"]]);
    const route = r.data?.routes.find((x) => x.prefix === "fd00:99::/48");
    expect(route).toMatchObject({ protocol: "static1", primary: true, type: "unreachable" });
  });

  it("reads nft counters and the namespace's own addresses and MACs", async () => {
    const c = await collectCounters(ctx());
    expect(c.errors).toEqual([]);
    expect(c.data?.counters.map((x) => [x.family, x.table, x.chain, x.comment, x.packets])).toEqual([["inet", "fw4", "input", "!fw4: Allow-RIPng", 0]]);
    const s = await collectSystem(ctx());
    expect(s.links.map((l) => l.name).sort()).toEqual(["lo", "mesh0", "peer0"]);
    expect(s.links.find((l) => l.name === "mesh0")?.mac).toBe("02:00:00:00:aa:01");
    expect(s.result.data?.addresses.filter((a) => a.iface === "mesh0").map((a) => `${a.address}/${a.prefixLen} ${a.scope}`)).toEqual(
      expect.arrayContaining(["fd00:77::1/64 global"]),
    );
  });
});
