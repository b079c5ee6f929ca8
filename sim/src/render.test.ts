import { describe, expect, it } from "vitest";
import {
  parseBirdBabelNeighbors,
  parseBirdProtocols,
  parseBirdRipInterfaces,
  parseBirdRipNeighbors,
  parseBirdRoutes,
  parseDelegatedPrefixes,
  parseHostname,
  parseIpJson,
  parseLoadavg,
  parseMeminfo,
  parseNft,
  parseUbusBoard,
  parseUbusWireless,
  parseUptime,
  wirelessConfigFromStatus,
} from "@meshfleet/agent/parsers";
import { nftCounterValues } from "./render/nft";
import { neighborViews, peerViews, routeViews } from "./views";
import { World } from "./world";
import { out, value } from "../testing/world-output";


describe("simulated BIRD output read by the real BIRD parsers", () => {
  for (const routing of ["rip", "babel"] as const) {
    it(`${routing}: protocols, neighbours and routes are the world's`, async () => {
      const w = new World({ seed: 11, nodes: 9, routing });
      w.advance(60_000);
      for (const id of ["node-1", "node-5", "node-9"]) {
        const node = w.node(id);
        const protocols = value(parseBirdProtocols(await out(w, id, "birdc show protocols")));
        const names = protocols.protocols.map((p) => p.name).sort();
        expect(names).toEqual(["device1", "direct1", "kernel1", routing === "rip" ? "rip1" : "babel1", ...(node.gateway ? ["static1"] : [])].sort());
        expect(protocols.protocols.every((p) => p.state === "up")).toBe(true);

        const routes = routeViews(w, node);
        const neighbors = neighborViews(w, node, routes);
        expect(neighbors.length).toBeGreaterThan(1);
        const parsedN =
          routing === "rip"
            ? value(parseBirdRipNeighbors(await out(w, id, "birdc show rip neighbors")))
            : value(parseBirdBabelNeighbors(await out(w, id, "birdc show babel neighbors")));
        expect(parsedN.neighbors.map((n) => [n.address, n.iface, n.metric, n.routes])).toEqual(neighbors.map((n) => [n.peer.linkLocal.mesh, "mesh0", n.metric, n.routes]));
        if (routing === "rip") {
          const ifs = value(parseBirdRipInterfaces(await out(w, id, "birdc show rip interfaces")));
          expect(ifs.interfaces).toMatchObject([{ iface: "mesh0", state: "Up", metric: 1, neighbors: neighbors.length }]);
        }

        const table = value(parseBirdRoutes(await out(w, id, "birdc show route")));
        // Every other node's /64, the node's own /64 and the default route.
        expect(table.routes).toHaveLength(9 + 1);
        expect(table.routes.map((r) => [r.prefix, r.protocol, r.primary, r.metric, r.nextHops[0]?.via ?? null, r.nextHops[0]?.iface])).toEqual(
          routes.map((r) => [r.prefix, r.protocol, true, r.metric, r.via, r.iface]),
        );
        const own = table.routes.find((r) => r.prefix === node.prefix);
        expect(own).toMatchObject({ protocol: "direct1", nextHops: [{ via: null, iface: "br-lan" }] });
      }
    });
  }

  it("after 30 hours BIRD prints dates in times, and the parsers still read every row", async () => {
    const w = new World({ seed: 2, nodes: 4, routing: "babel" });
    w.advance(30 * 3_600_000);
    const protocols = value(parseBirdProtocols(await out(w, "node-2", "birdc show protocols")));
    expect(protocols.protocols.map((p) => p.since)).toContain(new Date(w.node("node-2").bootAt + 1_432).toISOString().replace("T", " ").replace("Z", ""));
    const table = value(parseBirdRoutes(await out(w, "node-2", "birdc show route")));
    expect(table.routes).toHaveLength(5);
    expect(table.routes.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(r.since ?? ""))).toBe(true);
  });

  it("RIP metrics are hop counts + 1 and next hops are neighbours' link-local addresses", async () => {
    const w = new World({ seed: 3, nodes: 9, routing: "rip" });
    const table = value(parseBirdRoutes(await out(w, "node-1", "birdc show route")));
    const peers = new Set(value(parseBirdRipNeighbors(await out(w, "node-1", "birdc show rip neighbors"))).neighbors.map((n) => n.address));
    for (const r of table.routes.filter((x) => x.protocol === "rip1")) {
      expect(peers.has(r.nextHops[0]!.via!)).toBe(true);
      expect(r.metric).toBeGreaterThanOrEqual(2);
      expect(r.preference).toBe(120);
    }
    // The far corner of a 3x3 grid is more than one hop away.
    expect(table.routes.find((r) => r.prefix === w.node("node-9").prefix)!.metric).toBeGreaterThanOrEqual(3);
  });
});

describe("simulated nft, ubus and system output read by the real readers", () => {
  it("nft -j: fw4 counters with the routing accept rule, growing with time", async () => {
    const w = new World({ seed: 5, nodes: 4, routing: "rip" });
    const first = value(parseNft(await out(w, "node-2", "nft -j list ruleset")));
    const rip = first.counters.find((c) => c.comment === "!fw4: Allow-RIPng")!;
    expect(rip).toMatchObject({ kind: "rule", family: "inet", table: "fw4", chain: "input_mesh" });
    expect(rip.summary).toContain("udp dport 521");
    const expected = nftCounterValues(w.node("node-2"), w.now, w.model.seed).find((v) => v.comment === "!fw4: Allow-RIPng")!;
    expect(rip.packets).toBe(expected.packets);
    expect(rip.bytes).toBe(expected.bytes);
    w.advance(600_000);
    const later = value(parseNft(await out(w, "node-2", "nft -j list ruleset")));
    const rip2 = later.counters.find((c) => c.comment === "!fw4: Allow-RIPng")!;
    expect(rip2.packets).toBeGreaterThan(rip.packets);
    expect(later.counters).toHaveLength(first.counters.length);
    const babel = new World({ seed: 5, nodes: 4, routing: "babel" });
    const b = value(parseNft(await out(babel, "node-2", "nft -j list ruleset")));
    expect(b.counters.find((c) => c.comment === "!fw4: Allow-Babel")?.summary).toContain("udp dport 6696");
  });

  it("ubus board, wireless status and interface dump", async () => {
    const w = new World({ seed: 5, nodes: 4 });
    const board = value(parseUbusBoard(await out(w, "node-3", "ubus call system board")));
    expect(board).toMatchObject({ hostname: "node-3", model: w.node("node-3").board.model, release: { distribution: "OpenWrt", version: "22.03.5" } });
    const status = value(parseUbusWireless(await out(w, "node-3", "ubus call network.wireless status")));
    const cfg = wirelessConfigFromStatus(status);
    expect(cfg.radios.map((r) => [r.name, r.channel, r.band])).toEqual([
      ["radio0", 1, "2g"],
      ["radio1", 36, "5g"],
    ]);
    expect(cfg.interfaces.find((i) => i.mode === "mesh")).toMatchObject({ ifname: "mesh0", meshId: "meshfleet-backhaul", encryption: "sae" });
    expect(cfg.interfaces.find((i) => i.mode === "ap")).toMatchObject({ ifname: "wlan0", ssid: "meshfleet", ieee80211r: true, mobilityDomain: "4d46" });
    // Only the site's gateway (node-1) has the delegated prefix.
    expect(parseDelegatedPrefixes(await out(w, "node-1", "ubus call network.interface dump"))).toEqual([w.model.sites[0]!.delegated]);
    expect(parseDelegatedPrefixes(await out(w, "node-3", "ubus call network.interface dump"))).toEqual([]);
  });

  it("ip -j addr, /proc files and hostname", async () => {
    const w = new World({ seed: 8, nodes: 3 });
    const n = w.node("node-2");
    const ip = parseIpJson(await out(w, "node-2", "ip -j addr show"))!;
    expect(ip.links.find((l) => l.name === "mesh0")?.mac).toBe(n.macs.mesh);
    expect(ip.addresses.filter((a) => a.scope === "link").map((a) => [a.iface, a.address])).toEqual([
      ["br-lan", n.linkLocal.lan],
      ["mesh0", n.linkLocal.mesh],
    ]);
    expect(ip.addresses.find((a) => a.address === n.lanAddress)).toMatchObject({ iface: "br-lan", prefixLen: 64, scope: "global" });
    expect(parseUptime(await out(w, "node-2", "cat /proc/uptime"))).toBeCloseTo((w.now - n.bootAt) / 1000, 1);
    expect(parseLoadavg(await out(w, "node-2", "cat /proc/loadavg"))).toHaveLength(3);
    expect(parseMeminfo(await out(w, "node-2", "cat /proc/meminfo"))).toMatchObject({ totalKb: n.memTotalKb });
    expect(parseHostname(await out(w, "node-2", "cat /proc/sys/kernel/hostname"))).toBe("node-2");
  });

  it("answers what a router lacks like a router", async () => {
    const w = new World({ seed: 1, nodes: 2, routing: "rip" });
    const r = w.runnerFor("node-1");
    await expect(r.run(["birdc6", "show", "protocols"])).rejects.toMatchObject({ code: "E_COMMAND_NOT_FOUND" });
    expect(await r.run(["birdc", "show", "babel", "neighbors"])).toMatchObject({ exitCode: 1, stdout: "BIRD 2.0.12 ready.\nThere is no Babel protocol running\n" });
    expect(await r.run(["ubus", "call", "babeld", "get_neighbours"])).toMatchObject({ exitCode: 4 });
    expect(await r.run(["iw", "dev", "wlan9", "station", "dump"])).toMatchObject({ exitCode: 237 });
  });
});

describe("fading", () => {
  it("moves what the radios measure within +-fadingDb of the distance value, and changes nothing without it", () => {
    const plain = new World({ seed: 5, nodes: 6, routing: "babel" });
    const faded = new World({ seed: 5, nodes: 6, routing: "babel", fadingDb: 3 });
    const offsets: number[] = [];
    for (let k = 0; k < 120; k++) {
      plain.at(plain.startMs + k * 30_000);
      faded.at(faded.startMs + k * 30_000);
      const a = peerViews(plain, plain.node("node-2"));
      const b = peerViews(faded, faded.node("node-2"));
      expect(b.map((v) => v.peer.id)).toEqual(a.map((v) => v.peer.id));
      a.forEach((v, i) => offsets.push(b[i]!.signalAvg - v.signalAvg));
    }
    expect(Math.max(...offsets.map(Math.abs))).toBeLessThanOrEqual(4);
    expect(Math.max(...offsets)).toBeGreaterThanOrEqual(2);
    expect(Math.min(...offsets)).toBeLessThanOrEqual(-2);
    expect(new World({ seed: 5, nodes: 6, routing: "babel", fadingDb: 0 }).fadingDb).toBe(0);
  });
});
