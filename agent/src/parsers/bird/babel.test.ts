import { describe, expect, it } from "vitest";
import { babelEntries, routingInterfaces, routingNeighbors } from "@meshfleet/shared";
import { parseBirdBabelEntries, parseBirdBabelInterfaces, parseBirdBabelNeighbors } from "./index";
import { ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("bird", name);

const babel = { kind: "babel", seenSec: null, rxcost: null, txcost: null };

describe("parseBirdBabelNeighbors", () => {
  it("reads captured BIRD 2.0.12 neighbours (Auth column, no RTT)", () => {
    const v = ok(parseBirdBabelNeighbors(fixture("bird2-captured-babel-neighbors-2peers.txt")));
    expect(routingNeighbors.parse({ neighbors: v.neighbors })).toBeTruthy();
    expect(v.skipped).toBe(0);
    expect(v.neighbors).toEqual([
      { ...babel, protocol: "babel1", address: "fe80::7497:c8ff:fe7a:b5c8", iface: "vac", metric: 96, routes: 4, helloSec: null, expiresSec: 1, rttMs: null, reach: "16/16", auth: false },
      { ...babel, protocol: "babel1", address: "fe80::ace6:18ff:feb9:eac0", iface: "vab", metric: 96, routes: 4, helloSec: null, expiresSec: 0.534, rttMs: null, reach: "16/16", auth: false },
    ]);
  });

  it("reads the same table through birdc -v", () => {
    const v = ok(parseBirdBabelNeighbors(fixture("bird2-captured-v-babel-neighbors-reply-codes.txt")));
    expect(v.neighbors.map((n) => [n.address, n.iface, n.expiresSec])).toEqual([
      ["fe80::7497:c8ff:fe7a:b5c8", "vac", 1.037],
      ["fe80::ace6:18ff:feb9:eac0", "vab", 1.41],
    ]);
  });

  it("reads 2.14+ `Auth` and `RTT (ms)` with an interface name wider than its column", () => {
    const v = ok(parseBirdBabelNeighbors(fixture("bird2.16-babel-neighbors-auth-rtt-long-iface.txt")));
    expect(v.neighbors).toEqual([
      { ...babel, protocol: "babel1", address: "fe80::2c0:ffee:fe00:2", iface: "wlan0-mesh_17", metric: 110, routes: 12, helloSec: null, expiresSec: 4.87, rttMs: 12.504, reach: "13/16", auth: true },
      { ...babel, protocol: "babel1", address: "fe80::2c0:ffee:fe00:3", iface: "eth0", metric: 96, routes: 3, helloSec: null, expiresSec: 3.012, rttMs: 0, reach: "16/16", auth: false },
    ]);
  });

  it("reads the 2.0–2.12 layout (no Auth, no RTT), with and without its header", () => {
    const header = "IP address                Interface  Metric Routes Hellos Expires\n";
    const row = "fe80::1:2                 wlan0          96      5     15   3.100\n";
    for (const text of [`babel1:\n${header}${row}`, `babel1:\n${row}`]) {
      expect(ok(parseBirdBabelNeighbors(text)).neighbors).toEqual([{ ...babel, protocol: "babel1", address: "fe80::1:2", iface: "wlan0", metric: 96, routes: 5, helloSec: null, expiresSec: 3.1, rttMs: null, reach: "15/16", auth: null }]);
    }
  });

  it("reads BIRD 1.6 `Next hello` as helloSec, with no hello count", () => {
    const v = ok(parseBirdBabelNeighbors(fixture("bird16-babel-neighbors-next-hello.txt")));
    expect(v.neighbors[1]).toEqual({ ...babel, protocol: "babel_mesh", address: "fe80::6670:2ff:fe3a:1c44", iface: "wlan1-mesh_5g", metric: 256, routes: 2, helloSec: 0, expiresSec: null, rttMs: null, reach: null, auth: null });
    expect(v.neighbors[0]).toMatchObject({ metric: 96, routes: 7, helloSec: 3 });
  });

  it("answers empty for a disabled Babel protocol and refuses a RIP table", () => {
    expect(ok(parseBirdBabelNeighbors(fixture("bird2-captured-babel-neighbors-protocol-disabled.txt"))).neighbors).toEqual([]);
    const r = parseBirdBabelNeighbors(fixture("bird2-captured-rip-neighbors-2peers-2instances.txt"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("E_PARSE_FORMAT");
  });
});

describe("parseBirdBabelInterfaces", () => {
  it("reads captured interfaces (Auth, RX cost, two next-hop columns)", () => {
    const v = ok(parseBirdBabelInterfaces(fixture("bird2-captured-babel-interfaces.txt")));
    expect(routingInterfaces.parse({ interfaces: v.interfaces })).toBeTruthy();
    expect(v.interfaces.map((i) => [i.protocol, i.iface, i.state, i.metric, i.neighbors])).toEqual([
      ["babel1", "vab", "Up", 96, 1],
      ["babel1", "vac", "Up", 96, 1],
    ]);
  });

  it("reads the 2.0–2.12 layout without Auth", () => {
    const v = ok(parseBirdBabelInterfaces("babel1:\nInterface  State  RX cost   Nbrs   Timer Next hop (v4)   Next hop (v6)\nwlan0      Up          256      2   1.250 ::              fe80::1\n"));
    expect(v.interfaces).toEqual([{ protocol: "babel1", iface: "wlan0", state: "Up", metric: 256, neighbors: 2, timerSec: 1.25 }]);
  });

  it("reads BIRD 1.6 interfaces", () => {
    const v = ok(parseBirdBabelInterfaces(fixture("bird16-babel-interfaces.txt")));
    expect(v.interfaces).toEqual([
      { protocol: "babel_mesh", iface: "br-lan", state: "Down", metric: 96, neighbors: 0, timerSec: 0 },
      { protocol: "babel_mesh", iface: "wlan0-mesh", state: "Up", metric: 256, neighbors: 1, timerSec: 2 },
    ]);
  });
});

const entry = { nexthop: null, iface: null, feasible: null, selected: null, expiresSec: null };
const route = { routerId: null, routes: null, sources: null };

describe("parseBirdBabelEntries", () => {
  it("reads captured `show babel entries`", () => {
    const v = ok(parseBirdBabelEntries(fixture("bird2-captured-babel-entries.txt")));
    expect(babelEntries.parse({ entries: v.entries })).toBeTruthy();
    expect(v.entries).toHaveLength(6);
    expect(v.entries.find((e) => e.prefix === "fd00:d::/64")).toEqual({ ...entry, protocol: "babel1", prefix: "fd00:d::/64", routerId: "00:00:00:00:0a:ff:00:04", metric: 192, seqno: 1, routes: 2, sources: 1 });
    expect(v.entries.find((e) => e.prefix === "fd00:a::/64")).toMatchObject({ routerId: "00:00:00:00:0a:ff:00:01", metric: 0, routes: 0, sources: 0 });
  });

  it("reads captured `show babel routes`: selected `*` first, feasible `+`", () => {
    const v = ok(parseBirdBabelEntries(fixture("bird2-captured-babel-routes.txt")));
    expect(v.entries).toHaveLength(8);
    expect(v.entries.filter((e) => e.prefix === "fd00:d::/64")).toEqual([
      { ...route, protocol: "babel1", prefix: "fd00:d::/64", nexthop: "fe80::7497:c8ff:fe7a:b5c8", iface: "vac", metric: 192, seqno: 1, feasible: null, selected: true, expiresSec: 10.409 },
      { ...route, protocol: "babel1", prefix: "fd00:d::/64", nexthop: "fe80::ace6:18ff:feb9:eac0", iface: "vab", metric: 192, seqno: 1, feasible: true, selected: false, expiresSec: 10.171 },
    ]);
  });

  it("keeps a route whose F column is blank (neither selected nor feasible)", () => {
    const v = ok(parseBirdBabelEntries(fixture("bird2-babel-routes-unfeasible.txt")));
    expect(v.skipped).toBe(0);
    expect(v.entries.map((e) => [e.prefix, e.nexthop, e.iface, e.metric, e.selected, e.feasible, e.seqno, e.expiresSec])).toEqual([
      ["10.40.0.0/16", "fe80::2c0:ffee:fe00:3", "eth0", 200, true, null, 18, 52.118],
      ["10.40.0.0/16", "fe80::2c0:ffee:fe00:2", "wlan0-mesh_17", 65535, false, false, 17, 0],
      ["2001:db8:40::/48", "fe80::2c0:ffee:fe00:2", "wlan0-mesh_17", 384, false, true, 7, 48.002],
    ]);
  });

  it("reads SADR prefixes and a `<none>` entry", () => {
    const v = ok(parseBirdBabelEntries(fixture("bird2-babel-entries-sadr-none.txt")));
    expect(v.entries).toEqual([
      { ...entry, protocol: "babel_sadr", prefix: "2001:db8:99::/48 from ::/0", routerId: null, metric: null, seqno: null, routes: 0, sources: 1 },
      { ...entry, protocol: "babel_sadr", prefix: "::/0 from 2001:db8:1::/48", routerId: "00:00:00:00:0a:ff:00:04", metric: 192, seqno: 3, routes: 2, sources: 1 },
    ]);
  });

  it("reads BIRD 1.6 entries with Expires and `<pending>`", () => {
    const v = ok(parseBirdBabelEntries(fixture("bird16-babel-entries-pending.txt")));
    expect(v.entries).toEqual([
      { ...entry, protocol: "babel_mesh", prefix: "2001:db8:ebbd:10::/64", routerId: null, metric: null, seqno: null, routes: null, sources: 2 },
      { ...entry, protocol: "babel_mesh", prefix: "2001:db8:ebbd:c::/62", routerId: "00:00:00:00:c0:a8:01:02", metric: 352, seqno: 14, expiresSec: 41, routes: null, sources: 1 },
      { ...entry, protocol: "babel_mesh", prefix: "::/0", routerId: "02:24:a5:ff:fe:d7:30:89", metric: 96, seqno: 65012, expiresSec: 12, routes: null, sources: 1 },
    ]);
  });
});
