import { describe, expect, it } from "vitest";
import { routingInterfaces, routingNeighbors } from "@meshfleet/shared";
import { parseBirdRipInterfaces, parseBirdRipNeighbors } from "./index";
import { ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("bird", name);

const rip = { kind: "rip", helloSec: null, expiresSec: null, rttMs: null, rxcost: null, txcost: null, reach: null, auth: null };

describe("parseBirdRipNeighbors", () => {
  it("reads two instances (a long name and rip4) from captured BIRD 2.0.12 output, sorted by protocol/address", () => {
    const v = ok(parseBirdRipNeighbors(fixture("bird2-captured-rip-neighbors-2peers-2instances.txt")));
    expect(routingNeighbors.parse({ neighbors: v.neighbors })).toBeTruthy();
    expect(v.skipped).toBe(0);
    expect(v.neighbors).toEqual([
      { ...rip, protocol: "rip4", address: "10.0.12.2", iface: "vab", metric: 1, routes: 3, seenSec: 3.266 },
      { ...rip, protocol: "rip4", address: "10.0.13.2", iface: "vac", metric: 1, routes: 3, seenSec: 3.233 },
      { ...rip, protocol: "ripng_mesh_backbone", address: "fe80::7497:c8ff:fe7a:b5c8", iface: "vac", metric: 1, routes: 3, seenSec: 2.41 },
      { ...rip, protocol: "ripng_mesh_backbone", address: "fe80::ace6:18ff:feb9:eac0", iface: "vab", metric: 1, routes: 3, seenSec: 1.422 },
    ]);
  });

  it("strips birdc -v reply codes and gives the same neighbours", () => {
    const v = ok(parseBirdRipNeighbors(fixture("bird2-captured-v-rip-neighbors-reply-codes.txt")));
    expect(v.neighbors.map((n) => [n.protocol, n.address, n.seenSec])).toEqual([
      ["rip4", "10.0.12.2", 3.293],
      ["rip4", "10.0.13.2", 3.259],
      ["ripng_mesh_backbone", "fe80::7497:c8ff:fe7a:b5c8", 2.437],
      ["ripng_mesh_backbone", "fe80::ace6:18ff:feb9:eac0", 1.448],
    ]);
    expect(v.skipped).toBe(0);
  });

  it("shows one peer per instance after the a-b link was cut", () => {
    const v = ok(parseBirdRipNeighbors(fixture("bird2-captured-rip-neighbors-1peer-after-link-down.txt")));
    expect(v.neighbors.map((n) => `${n.protocol} ${n.address} ${n.iface ?? ""} ${n.routes ?? ""}`)).toEqual(["rip4 10.0.13.2 vac 2", "ripng_mesh_backbone fe80::7497:c8ff:fe7a:b5c8 vac 2"]);
  });

  it("reads BIRD 1.6 whole seconds (seed) and a 2.0.8 fragment without its name line", () => {
    const v16 = ok(parseBirdRipNeighbors(fixture("seed-bird16-show-rip-neighbors.txt")));
    expect(v16.neighbors).toEqual([
      { ...rip, protocol: "rip1", address: "fe80::221:29ff:fec3:6cb0", iface: "eth1", metric: 1, routes: 9, seenSec: 6 },
      { ...rip, protocol: "rip1", address: "fe80::224:a5ff:fed7:3089", iface: "eth1", metric: 1, routes: 4, seenSec: 27 },
    ]);
    const v2 = ok(parseBirdRipNeighbors(fixture("seed-bird2-show-rip-neighbors.txt")));
    expect(v2.neighbors.map((n) => [n.protocol, n.address, n.routes, n.seenSec])).toEqual([
      ["", "fe80::216:3eff:fe28:54f0", 2, 26.902],
      ["", "fe80::2ac6:8eff:fe16:19d7", 23, 22.898],
      ["", "fe80::7683:c2ff:fe61:fd60", 6, 21.931],
    ]);
  });

  it("accepts an instance with no neighbours, one that is not up, and `There is no RIP protocol running` as empty", () => {
    expect(ok(parseBirdRipNeighbors("BIRD 2.0.8 ready.\nrip1:\nIP address                Interface  Metric Routes    Seen\n")).neighbors).toEqual([]);
    expect(ok(parseBirdRipNeighbors("rip1: is not up\n")).neighbors).toEqual([]);
    expect(ok(parseBirdRipNeighbors(fixture("bird2-captured-rip-neighbors-no-rip-protocol.txt"))).neighbors).toEqual([]);
  });

  it("splits on whitespace: a long interface name pushes the row out of alignment", () => {
    const v = ok(parseBirdRipNeighbors("ripng:\nIP address                Interface  Metric Routes    Seen\nfe80::1                   wlan0-mesh_5ghz      1     12  3.001\n"));
    expect(v.neighbors[0]).toMatchObject({ protocol: "ripng", address: "fe80::1", iface: "wlan0-mesh_5ghz", metric: 1, routes: 12, seenSec: 3.001 });
  });

  it("counts rows it cannot read and refuses other formats with a typed error", () => {
    const v = ok(parseBirdRipNeighbors("rip1:\nIP address  Interface  Metric Routes  Seen\nfe80::1  eth0  1  x  2\nfe80::2 eth0 1 4 2.5\n"));
    expect(v.neighbors).toHaveLength(1);
    expect(v.skipped).toBe(1);
    const notRip = parseBirdRipNeighbors("Station 00:11:22:33:44:55 (on wlan0)\n\tsignal: -40 dBm\n");
    expect(notRip.ok).toBe(false);
    if (!notRip.ok) expect(notRip.error.code).toBe("E_PARSE_FORMAT");
  });

  it("turns error replies into E_PARSE_INVALID", () => {
    for (const name of ["bird2-captured-access-restricted.txt", "bird2-captured-v-access-restricted-reply-codes.txt", "bird2-captured-syntax-error.txt", "bird2-captured-v-syntax-error-reply-codes.txt", "bird2-captured-no-such-command.txt"]) {
      const r = parseBirdRipNeighbors(fixture(name));
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe("E_PARSE_INVALID");
        expect(r.error.line).toBeGreaterThan(1);
      }
    }
    const denied = parseBirdRipNeighbors(fixture("bird2-captured-access-restricted.txt"));
    if (!denied.ok) expect(denied.error.message).toContain("Access restricted");
  });
});

describe("parseBirdRipInterfaces", () => {
  it("reads both instances from captured output", () => {
    const v = ok(parseBirdRipInterfaces(fixture("bird2-captured-rip-interfaces-2instances.txt")));
    expect(routingInterfaces.parse({ interfaces: v.interfaces })).toBeTruthy();
    expect(v.interfaces).toEqual([
      { protocol: "rip4", iface: "vab", state: "Up", metric: 1, neighbors: 1, timerSec: 3.635 },
      { protocol: "rip4", iface: "vac", state: "Up", metric: 1, neighbors: 1, timerSec: 0.923 },
      { protocol: "ripng_mesh_backbone", iface: "vab", state: "Up", metric: 1, neighbors: 1, timerSec: 2.074 },
      { protocol: "ripng_mesh_backbone", iface: "vac", state: "Up", metric: 1, neighbors: 1, timerSec: 1.855 },
    ]);
  });

  it("reads the 2.0.8 seed (wan with three neighbours)", () => {
    const v = ok(parseBirdRipInterfaces(fixture("seed-bird2-show-rip-interfaces.txt")));
    expect(v.interfaces.find((i) => i.iface === "wan")).toEqual({ protocol: "", iface: "wan", state: "Up", metric: 1, neighbors: 3, timerSec: 8.381 });
    expect(v.interfaces.map((i) => i.iface)).toEqual(["br-lan", "eth0", "wan"]);
  });

  it("does not take a Babel interfaces table for RIP", () => {
    expect(parseBirdRipInterfaces(fixture("bird2-captured-babel-interfaces.txt")).ok).toBe(false);
  });
});
