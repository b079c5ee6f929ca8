import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { routingNeighbors, routingView } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { babeldToRoutingView, parseBabeldDump, parseBabeldUbus, type BabeldDump } from "./index";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");
function ok<T>(r: ParseOutcome<T>): T & { skipped: number } {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return { ...r.value, skipped: r.skipped };
}

describe("parseBabeldDump", () => {
  const d = ok(parseBabeldDump(fixture("babeld-1.13-dump-ureach-rtt.txt")));

  it("reads the greeting, interfaces and every neighbour with ureach, rtt and costs", () => {
    expect(d.skipped).toBe(0);
    expect(d.info).toEqual({ version: "babeld-1.13.1", host: "node-kahaluu", myId: "02:24:a5:ff:fe:d7:30:89" });
    expect(d.interfaces).toEqual([
      { name: "br-lan", up: true, ipv6: "fe80::224:a5ff:fed7:3000", ipv4: null },
      { name: "wan", up: false, ipv6: null, ipv4: null },
      { name: "wlan0-mesh", up: true, ipv6: "fe80::224:a5ff:fed7:3089", ipv4: "10.40.1.1" },
    ]);
    expect(d.neighbours).toEqual([
      { id: "55d3c1e2a2c0", address: "fe80::6670:2ff:fe3a:1b01", iface: "br-lan", reach: "8000", ureach: "0000", rxcost: 96, txcost: 65535, cost: 65535, rttMs: null, rttcost: null },
      { id: "55d3c1e2a0f0", address: "fe80::6670:2ff:fe3a:1b01", iface: "wlan0-mesh", reach: "fff0", ureach: "0000", rxcost: 288, txcost: 256, cost: 328, rttMs: 12.504, rttcost: 40 },
      { id: "55d3c1e2a1b8", address: "fe80::6670:2ff:fe3a:1c44", iface: "wlan0-mesh", reach: "ffff", ureach: "ff00", rxcost: 256, txcost: 256, cost: 256, rttMs: null, rttcost: null },
    ]);
  });

  it("reads routes (installed first per prefix) and xroutes", () => {
    expect(d.routes.filter((r) => r.prefix === "::/0").map((r) => [r.from, r.installed, r.metric, r.refmetric, r.via])).toEqual([
      ["2001:db8:40::/48", true, 328, 0, "fe80::6670:2ff:fe3a:1b01"],
      ["::/0", true, 328, 0, "fe80::6670:2ff:fe3a:1b01"],
      ["::/0", false, 512, 256, "fe80::6670:2ff:fe3a:1c44"],
    ]);
    expect(d.routes.find((r) => r.prefix === "10.40.2.0/24")).toEqual({ id: "55d3c1e2b2a0", prefix: "10.40.2.0/24", from: "0.0.0.0/0", installed: true, routerId: "02:24:a5:ff:fe:d7:40:02", metric: 256, refmetric: 0, via: "fe80::6670:2ff:fe3a:1c44", iface: "wlan0-mesh" });
    expect(d.xroutes).toEqual([
      { id: "10.40.1.0/24-0.0.0.0/0", prefix: "10.40.1.0/24", from: "0.0.0.0/0", metric: 0 },
      { id: "2001:db8:40:1::/64-::/0", prefix: "2001:db8:40:1::/64", from: "::/0", metric: 0 },
    ]);
    expect(d.events).toHaveLength(13);
    expect(d.events[0]).toEqual({ line: 6, kind: "add", object: "interface", id: "wlan0-mesh" });
  });

  it("reads babeld 1.5: `add self`, no ureach, no from, prefix-neighbour route ids", () => {
    const old = ok(parseBabeldDump(fixture("babeld-1.5-dump-self-no-ureach-no-from.txt")));
    expect(old.info).toEqual({ version: null, host: "node-iao", myId: "02:21:29:ff:fe:c3:6c:b0" });
    expect(old.neighbours.map((n) => [n.address, n.reach, n.ureach, n.cost, n.rttMs, n.rttcost])).toEqual([
      ["fe80::221:29ff:fe00:1", "ff00", null, 300, 4.12, 12],
      ["fe80::224:a5ff:fed7:3089", "ffff", null, 96, null, null],
    ]);
    expect(old.routes.map((r) => [r.id, r.from, r.installed])).toEqual([
      ["2001:db8:ebbd:c::/62-1e7b2e0", null, true],
      ["2001:db8:ebbd:c::/62-1e7b3a8", null, false],
    ]);
    expect(old.xroutes).toEqual([{ id: "2001:db8:ebbd:8::/64", prefix: "2001:db8:ebbd:8::/64", from: null, metric: 0 }]);
  });

  it("applies a monitor stream: change updates, flush removes, events keep the order", () => {
    const m = ok(parseBabeldDump(fixture("babeld-monitor-change-flush.txt")));
    expect(m.events.map((e) => `${e.kind} ${e.object} ${e.id}`)).toEqual([
      "add interface wlan0",
      "add neighbour 5605e1a3c2b0",
      "add route 5605e1a3d100",
      "change neighbour 5605e1a3c2b0",
      "change neighbour 5605e1a3c2b0",
      "add neighbour 5605e1a3c388",
      "change route 5605e1a3d100",
      "flush route 5605e1a3d100",
      "flush neighbour 5605e1a3c2b0",
      "add route 5605e1a3d1a8",
    ]);
    expect(m.neighbours.map((n) => [n.id, n.address, n.cost])).toEqual([["5605e1a3c388", "fe80::88:12ff:fe00:7", 65535]]);
    expect(m.routes.map((r) => [r.id, r.via, r.metric])).toEqual([["5605e1a3d1a8", "fe80::88:12ff:fe00:7", 65535]]);
  });

  it("counts lines it cannot read and refuses other formats", () => {
    const r = ok(parseBabeldDump("BABEL 1.0\nadd neighbour 1 address fe80::1 if eth0 reach zz rxcost 1 txcost 1 cost 1\nadd route 2 prefix\nhello world\nok\n"));
    expect(r.skipped).toBe(3);
    expect(r.neighbours).toEqual([]);
    const bird = parseBabeldDump("Table master6:\n::/0  unicast [rip1 09:34:47.143] * (120/4)\n");
    expect(bird.ok ? "ok" : bird.error.code).toBe("E_PARSE_FORMAT");
  });
});

/** The node's own prefixes in babeld-1.13-dump-ureach-rtt.txt (its xroutes), reported as originated routes. */
const VIEW_XROUTES = [
  ["10.40.1.0/24", true, 0],
  ["2001:db8:40:1::/64", true, 0],
];

describe("babeldToRoutingView", () => {
  it("turns a dump into the shared routing view", () => {
    const view = babeldToRoutingView(ok(parseBabeldDump(fixture("babeld-1.13-dump-ureach-rtt.txt"))) as BabeldDump);
    expect(routingView.parse(view)).toBeTruthy();
    expect(view.daemon).toBe("babeld");
    expect(view.protocols).toEqual([]);
    expect(view.interfaces.find((i) => i.iface === "wlan0-mesh")).toEqual({ protocol: "babeld", iface: "wlan0-mesh", state: "Up", metric: null, neighbors: 2, timerSec: null });
    expect(view.interfaces.find((i) => i.iface === "wan")?.state).toBe("Down");
    expect(view.neighbors.find((n) => n.iface === "wlan0-mesh" && n.address === "fe80::6670:2ff:fe3a:1b01")).toEqual({
      protocol: "babeld",
      kind: "babel",
      address: "fe80::6670:2ff:fe3a:1b01",
      iface: "wlan0-mesh",
      metric: 328,
      routes: 2,
      seenSec: null,
      helloSec: null,
      expiresSec: null,
      rttMs: 12.504,
      rxcost: 288,
      txcost: 256,
      reach: "fff0",
      auth: null,
    });
    expect(view.routes.filter((r) => r.prefix === "::/0")).toEqual([
      { prefix: "::/0", protocol: "babeld", type: "unicast", primary: true, preference: null, metric: 328, nextHops: [{ via: "fe80::6670:2ff:fe3a:1b01", iface: "wlan0-mesh", weight: null }], table: null, since: null, reachable: true },
      { prefix: "::/0", protocol: "babeld", type: "unicast", primary: false, preference: null, metric: 512, nextHops: [{ via: "fe80::6670:2ff:fe3a:1c44", iface: "wlan0-mesh", weight: null }], table: null, since: null, reachable: true },
    ]);
    expect(view.routes.find((r) => r.prefix === "::/0 from 2001:db8:40::/48")?.primary).toBe(true);
    expect(view.routes.filter((r) => r.originated).map((r) => [r.prefix, r.primary, r.metric])).toEqual(VIEW_XROUTES);
    expect(view.routes).toHaveLength(5 + VIEW_XROUTES.length);
  });
});

describe("babeldToRoutingView: the node's own prefixes", () => {
  it("reports an xroute as an originated route, primary unless babeld installed a learned route for the same prefix", () => {
    const dump = ok(
      parseBabeldDump(
        [
          "BABEL 1.0",
          "add xroute 2001:db8:ff::/64-::/0 prefix 2001:db8:ff::/64 from ::/0 metric 128",
          "add xroute 2001:db8:5::/64-::/0 prefix 2001:db8:5::/64 from ::/0 metric 0",
          "add route 1 prefix 2001:db8:5::/64 from ::/0 installed yes id 02:00:00:00:00:00:00:02 metric 224 refmetric 128 via fe80::2 if v12",
          "done",
        ].join("\n"),
      ),
    ) as BabeldDump;
    const view = babeldToRoutingView(dump);
    expect(routingView.parse(view)).toBeTruthy();
    expect(view.routes.map((r) => [r.prefix, r.primary, r.originated ?? false, r.nextHops.length])).toEqual([
      ["2001:db8:5::/64", true, false, 1],
      ["2001:db8:5::/64", false, true, 0],
      ["2001:db8:ff::/64", true, true, 0],
    ]);
  });
});

describe("parseBabeldUbus", () => {
  it("keeps both entries of a duplicated neighbour address (one per interface)", () => {
    const v = ok(parseBabeldUbus(fixture("ubus-get-neighbours-duplicate-address.json.txt")));
    expect(routingNeighbors.parse({ neighbors: v.neighbors })).toBeTruthy();
    expect(v.skipped).toBe(0);
    expect(v.neighbors.map((n) => [n.address, n.iface, n.reach, n.rxcost, n.txcost, n.rttMs])).toEqual([
      ["fe80::6670:2ff:fe3a:1b01", "br-lan", "8000", 96, 65535, 0],
      ["fe80::6670:2ff:fe3a:1b01", "wlan0-mesh", "fff0", 288, 256, 12.504],
      ["fe80::6670:2ff:fe3a:1c44", "wlan0-mesh", "ffff", 256, 256, 1.02],
    ]);
    expect(v.neighbors.map((n) => n.metric)).toEqual([65535, null, null]);
    // txcost 65535: babeld's cost is infinite (the neighbour is lost), though ubus prints no cost.
    expect(v.neighbors[0]).toEqual({ protocol: "babeld", kind: "babel", address: "fe80::6670:2ff:fe3a:1b01", iface: "br-lan", metric: 65535, routes: null, seenSec: null, helloSec: null, expiresSec: null, rttMs: 0, rxcost: 96, txcost: 65535, reach: "8000", auth: null });
  });

  it("reads compact one-line JSON with an IPv4 neighbour and `IPv6: []`", () => {
    const v = ok(parseBabeldUbus(fixture("ubus-get-neighbours-compact-ipv4.json.txt")));
    expect(v.neighbors).toMatchObject([{ address: "10.40.1.2", iface: "wlan1-mesh", reach: "0fff", rxcost: 512, txcost: 384, rttMs: 3.5 }]);
  });

  it("refuses what is not get_neighbours JSON, and skips malformed entries", () => {
    for (const text of ["", "not json", "[1,2]", '{"a":1}', "[".repeat(100_000), '{"IPv6": {"fe80::1": {"dev": "x",}}}']) {
      const r = parseBabeldUbus(text);
      expect(r.ok ? "ok" : r.error.code).toBe("E_PARSE_FORMAT");
    }
    const v = ok(parseBabeldUbus('{"IPv6": {"fe80::1": {"dev": "eth0", "rxcost": "high"}, "fe80::2": 7, "fe80::3": {"dev": "eth0", "hello-reach": 65535}}}'));
    expect(v.neighbors.map((n) => [n.address, n.reach, n.rxcost])).toEqual([["fe80::3", "ffff", null]]);
    expect(v.skipped).toBe(2);
  });
});
