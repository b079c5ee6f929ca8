import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "@meshfleet/shared";
import { CannedRouter } from "../../testing/canned-router";
import { collectAll, collectCounters, collectRouting, collectSystem } from "./index";
import type { CollectContext, RoutingSetting } from "./types";

function ctx(router: CannedRouter, routing: RoutingSetting = "auto"): CollectContext {
  return { runner: router, timeoutMs: 1000, routing, memo: {} };
}

const BIRD16_PROTOCOLS = `BIRD 1.6.8 ready.
name     proto    table    state  since       info
kernel1  Kernel   master   up     2024-01-02  
device1  Device   master   up     2024-01-02  
rip1     RIP      master   up     2024-01-02  
`;

const BIRD16_ROUTES = `BIRD 1.6.8 ready.
fd00:2::/64        via fe80::2 on mesh0 [rip1 23:30:58] * (120/2)
fd00:3::/64        via fe80::3 on mesh0 [rip1 23:30:58] * (120/3)
`;

const NFT_TEXT = `table inet fw4 {
	chain input {
		type filter hook input priority filter; policy drop;
		udp dport 521 counter packets 42 bytes 4200 accept comment "!fw4: Allow-RIPng"
	}
}
`;

describe("collectors", () => {
  it("collect every section from one router, stations merged across interfaces and sorted", async () => {
    const router = new CannedRouter({ stations: 6, meshPaths: 3 });
    const c = await collectAll(ctx(router));
    const st = c.sections.stations.data?.stations ?? [];
    expect(st.map((s) => s.iface)).toEqual(["mesh0", "mesh0", "mesh0", "wlan0", "wlan0", "wlan0"]);
    expect(st.map((s) => s.mac)).toEqual([...st.slice(0, 3).map((s) => s.mac).sort(), ...st.slice(3).map((s) => s.mac).sort()]);
    expect(c.sections.meshPaths.data?.paths).toHaveLength(3);
    expect(c.links.map((l) => l.name)).toEqual(["lo", "br-lan", "wlan0", "mesh0"]);
    // mpath dump only on the mesh point interface; every command is one the brief lists.
    expect(router.calls.filter((k) => k.includes("mpath"))).toEqual(["iw dev mesh0 mpath dump"]);
    expect(new Set(router.calls)).toEqual(new Set([...router.answers.keys()]));
  });

  it("detects BIRD 2, then reads only the RIP commands for a RIP-only daemon", async () => {
    const router = new CannedRouter();
    const c = ctx(router);
    const r = await collectRouting(c);
    expect(r.data?.daemon).toBe("bird2");
    expect(r.errors).toEqual([]);
    expect(c.memo.daemon).toBe("bird2");
    expect(router.calls).not.toContain("birdc show babel neighbors");
    router.calls.length = 0;
    await collectRouting(c);
    expect(router.calls.filter((k) => k === "birdc show protocols")).toHaveLength(1);
  });

  it("falls back to birdc6 (BIRD 1.6) when birdc is missing", async () => {
    const router = new CannedRouter();
    for (const k of [...router.answers.keys()]) if (k.startsWith("birdc ")) router.answers.delete(k);
    router.answers.set("birdc6 show protocols", BIRD16_PROTOCOLS);
    router.answers.set("birdc6 show rip neighbors", "BIRD 1.6.8 ready.\n");
    router.answers.set("birdc6 show rip interfaces", "BIRD 1.6.8 ready.\n");
    router.answers.set("birdc6 show route", BIRD16_ROUTES);
    const r = await collectRouting(ctx(router));
    expect(r.data?.daemon).toBe("bird1");
    expect(r.data?.routes.map((x) => [x.prefix, x.metric])).toEqual([
      ["fd00:2::/64", 2],
      ["fd00:3::/64", 3],
    ]);
  });

  it("gives no routing view (not an empty one) when `show route` or the neighbours time out, so nothing reads as withdrawn", async () => {
    for (const cmd of ["birdc show route", "birdc show rip neighbors"]) {
      const router = new CannedRouter();
      router.answers.set(cmd, { throw: "timeout" });
      const r = await collectRouting(ctx(router, "bird2"));
      expect(r.data).toBeNull();
      expect(r.errors.map((e) => [e.code, e.command])).toEqual([[ERROR_CODES.commandTimeout, cmd]]);
    }
  });

  it("reports none without errors when no daemon is installed, and a BIRD that answers garbage as an error", async () => {
    const router = new CannedRouter();
    for (const k of [...router.answers.keys()]) if (k.startsWith("birdc")) router.answers.delete(k);
    const none = await collectRouting(ctx(router));
    expect(none.data).toEqual({ daemon: "none", protocols: [], interfaces: [], neighbors: [], routes: [] });
    expect(none.errors).toEqual([]);

    router.answers.set("birdc show protocols", { stdout: "", stderr: "Unable to connect to server control socket (/var/run/bird.ctl): No such file or directory\n", exitCode: 1 });
    const down = await collectRouting(ctx(router));
    expect(down.data).toBeNull();
    expect(down.errors).toEqual([
      { code: ERROR_CODES.commandFailed, message: "exit 1: Unable to connect to server control socket (/var/run/bird.ctl): No such file or directory", command: "birdc show protocols" },
    ]);
  });

  it("reads babeld neighbours over ubus", async () => {
    const router = new CannedRouter();
    for (const k of [...router.answers.keys()]) if (k.startsWith("birdc")) router.answers.delete(k);
    router.answers.set(
      "ubus call babeld get_neighbours",
      JSON.stringify({ IPv6: { "fe80::1:ff:fe00:1": { dev: "mesh0", hello_reach: 65535, uhello_reach: 0, rxcost: 96, txcost: 96, rtt: 0, if_up: true } } }),
    );
    const r = await collectRouting(ctx(router, "babeld"));
    expect(r.errors).toEqual([]);
    expect(r.data?.daemon).toBe("babeld");
    expect(r.data?.neighbors.map((n) => [n.address, n.iface, n.rxcost])).toEqual([["fe80::1:ff:fe00:1", "mesh0", 96]]);
  });

  it("reads babeld's local interface dump, and refuses one cut short before its closing ok", async () => {
    const full = readFileSync(new URL("../parsers/babeld/fixtures/babeld-1.12-captured-dump-ring-r1-0a-before-withdrawal.txt", import.meta.url), "utf8");
    const argv = ["socat", "-t", "2", "-", "UNIX-CONNECT:/var/run/babeld.sock"];
    const router = new CannedRouter();
    for (const k of [...router.answers.keys()]) if (k.startsWith("birdc")) router.answers.delete(k);
    router.answers.set(argv.join(" "), full);
    const r = await collectRouting({ ...ctx(router, "babeld"), babeldDumpArgv: argv });
    expect(r.errors).toEqual([]);
    expect(r.data?.routes.length).toBeGreaterThan(3);
    // The same answer without its last route lines and the `ok`: no view (not a table with routes gone).
    const lines = full.trimEnd().split("\n");
    router.answers.set(argv.join(" "), lines.slice(0, -3).join("\n") + "\n");
    const cut = await collectRouting({ ...ctx(router, "babeld"), babeldDumpArgv: argv });
    expect(cut.data).toBeNull();
    expect(cut.errors.map((e) => [e.code, e.message])).toEqual([[ERROR_CODES.parseInvalid, "babeld's dump ended before its closing `ok` (read cut short)"]]);
  });

  it("falls back to the nft text form when JSON is not supported", async () => {
    const router = new CannedRouter();
    router.answers.set("nft -j list ruleset", { stdout: "", stderr: "Error: JSON support not compiled-in\n", exitCode: 1 });
    router.answers.set("nft list ruleset", NFT_TEXT);
    const r = await collectCounters(ctx(router));
    expect(r.errors).toEqual([]);
    expect(r.data?.counters.map((c) => [c.chain, c.packets, c.bytes, c.comment])).toEqual([["input", 42, 4200, "!fw4: Allow-RIPng"]]);
  });

  it("reads system facts with busybox ip (no JSON) and without ubus", async () => {
    const router = new CannedRouter();
    router.answers.set("ip -j addr show", { stdout: "", stderr: 'Option "-j" is unknown, try "ip -help".\n', exitCode: 255 });
    router.answers.set("ip addr show", "3: mesh0: <UP> mtu 1500\n    link/ether 02:00:01:00:00:01 brd ff:ff:ff:ff:ff:ff\n    inet6 fe80::2:ff:fe00:2/64 scope link\n");
    router.answers.delete("ubus call system board");
    router.answers.delete("ubus call network.interface dump");
    const { result, links } = await collectSystem(ctx(router));
    expect(links).toEqual([{ name: "mesh0", mac: "02:00:01:00:00:01" }]);
    expect(result.data?.addresses).toEqual([{ iface: "mesh0", address: "fe80::2:ff:fe00:2", prefixLen: 64, family: "inet6", scope: "link" }]);
    expect(result.data?.board).toBeNull();
    expect(result.data?.hostname).toBe("r1");
    expect(result.data?.uptimeSec).toBe(35001.47);
    expect(result.errors.map((e) => [e.code, e.command])).toEqual([
      [ERROR_CODES.commandNotFound, "ubus call system board"],
      [ERROR_CODES.commandNotFound, "ubus call network.interface dump"],
    ]);
  });

  it("turns a failed `iw dev` into errors for interfaces, stations and mesh paths, not a lost cycle", async () => {
    const router = new CannedRouter();
    router.answers.delete("iw dev");
    const c = await collectAll(ctx(router));
    expect(c.sections.interfaces.errors.map((e) => e.code)).toEqual([ERROR_CODES.commandNotFound]);
    expect(c.sections.stations.errors.map((e) => e.code)).toEqual([ERROR_CODES.collectorFailed]);
    expect(c.sections.meshPaths.data).toBeNull();
    expect(c.sections.routing.data?.daemon).toBe("bird2");
  });
});
