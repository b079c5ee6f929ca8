import { describe, expect, it } from "vitest";
import { routeTable, type Route } from "@meshfleet/shared";
import { parseBirdRoutes } from "./index";
import { ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("bird", name);

function routes(name: string): Route[] & { skipped: number } {
  const v = ok(parseBirdRoutes(fixture(name)));
  expect(routeTable.parse({ routes: v.routes })).toBeTruthy();
  return Object.assign(v.routes, { skipped: v.skipped });
}
const at = (rs: Route[], prefix: string): Route[] => rs.filter((r) => r.prefix === prefix);

describe("parseBirdRoutes, BIRD 2.x captured (RIPng + RIPv2, ECMP)", () => {
  const rs = routes("bird2-captured-route-rip-ecmp.txt");

  it("reads both tables, sorted by table, prefix, primary first", () => {
    expect(rs.skipped).toBe(0);
    expect(rs).toHaveLength(16);
    expect(rs.map((r) => r.table)).toEqual([...Array(8).fill("master4"), ...Array(8).fill("master6")]);
    expect(rs.slice(0, 3).map((r) => [r.prefix, r.protocol, r.primary])).toEqual([
      ["10.0.1.0/24", "direct1", true],
      ["10.0.12.0/24", "direct1", true],
      ["10.0.12.0/24", "rip4", false],
    ]);
  });

  it("reads an ECMP route with both weighted next hops", () => {
    expect(at(rs, "fd00:d::/64")).toEqual([
      {
        prefix: "fd00:d::/64",
        protocol: "ripng_mesh_backbone",
        type: "unicast",
        primary: true,
        preference: 120,
        metric: 3,
        nextHops: [
          { via: "fe80::7497:c8ff:fe7a:b5c8", iface: "vac", weight: 1 },
          { via: "fe80::ace6:18ff:feb9:eac0", iface: "vab", weight: 1 },
        ],
        table: "master6",
        since: "07:01:21.293",
        reachable: true,
      },
    ]);
    expect(at(rs, "10.0.4.0/24")[0]?.nextHops.map((h) => `${h.via ?? ""}%${h.iface ?? ""}/${h.weight ?? ""}`)).toEqual(["10.0.12.2%vab/1", "10.0.13.2%vac/1"]);
  });

  it("reads a direct route with a `dev` next hop and its RIP alternate (blank prefix, no `*`)", () => {
    expect(at(rs, "fd00:ab::/64")).toEqual([
      { prefix: "fd00:ab::/64", protocol: "direct1", type: "unicast", primary: true, preference: 240, metric: null, nextHops: [{ via: null, iface: "vab", weight: null }], table: "master6", since: "07:01:19.762", reachable: true },
      { prefix: "fd00:ab::/64", protocol: "ripng_mesh_backbone", type: "unicast", primary: false, preference: 120, metric: 2, nextHops: [{ via: "fe80::ace6:18ff:feb9:eac0", iface: "vab", weight: null }], table: "master6", since: "07:01:22.285", reachable: true },
    ]);
  });

  it("gives the same routes through birdc -v (captured a moment later: one direct route re-announced)", () => {
    const noSince = (r: Route): Route => ({ ...r, since: null });
    const verbose = routes("bird2-captured-v-route-reply-codes.txt");
    expect(verbose.map(noSince)).toEqual(rs.filter((r) => r.table === "master6").map(noSince));
    expect(at(verbose, "fd00:ac::/64")[0]?.since).toBe("07:01:19.634");
  });
});

describe("parseBirdRoutes, captured Babel + RIP alternates and show route all", () => {
  it("orders three routes for one prefix: direct primary, then babel1, then ripng", () => {
    const rs = routes("bird2-captured-route-babel-rip-alternates.txt");
    expect(at(rs, "fd00:ac::/64").map((r) => [r.protocol, r.primary, r.preference, r.metric])).toEqual([
      ["direct1", true, 240, null],
      ["babel1", false, 130, 96],
      ["ripng_mesh_backbone", false, 120, 2],
    ]);
    expect(at(rs, "fd00:d::/64")).toMatchObject([{ protocol: "babel1", primary: true, preference: 130, metric: 192, nextHops: [{ via: "fe80::7497:c8ff:fe7a:b5c8", iface: "vac", weight: null }] }]);
  });

  it("puts `show route all` attribute lines into attrs", () => {
    const rs = routes("bird2-captured-route-all-babel-rip-alternates.txt");
    expect(rs.skipped).toBe(0);
    expect(at(rs, "fd00:d::/64")[0]?.attrs).toEqual({ Type: "Babel univ", "Babel.metric": "192", "Babel.router_id": "00:00:00:00:0a:ff:00:04" });
    const rip = routes("bird2-captured-route-all-rip-ecmp.txt");
    expect(at(rip, "10.0.4.0/24")[0]).toMatchObject({ metric: 3, attrs: { Type: "RIP univ", "RIP.metric": "3", "RIP.tag": "0000" } });
    expect(at(rip, "10.0.4.0/24")[0]?.nextHops).toHaveLength(2);
    expect(at(rip, "10.0.1.0/24")[0]?.attrs).toEqual({ Type: "device univ" });
  });

  it("shows the path moving to the remaining neighbour after the link cut", () => {
    const rs = routes("bird2-captured-route-after-link-down.txt");
    expect(at(rs, "fd00:ab::/64")).toMatchObject([{ protocol: "babel1", primary: true, metric: 288, nextHops: [{ via: "fe80::7497:c8ff:fe7a:b5c8", iface: "vac" }] }]);
    expect(rs.some((r) => r.nextHops.some((h) => h.iface === "vab"))).toBe(false);
  });

  it("reads `show route count` and `Network not found` as no routes", () => {
    expect(routes("bird2-captured-route-count.txt")).toHaveLength(0);
    expect(routes("bird2-captured-route-not-found.txt")).toHaveLength(0);
  });
});

describe("parseBirdRoutes, seeds: BIRD 1.6 one-line vs 2.0.8 multi-line", () => {
  it("reads 1.6 via/dev/unreachable and dates", () => {
    const rs = routes("seed-bird16-show-route-ripng.txt");
    expect(rs).toHaveLength(15);
    expect(at(rs, "fdcd:5cb4:d0e1::/48")).toEqual([{ prefix: "fdcd:5cb4:d0e1::/48", protocol: "kernel1", type: "unreachable", primary: true, preference: 10, metric: null, nextHops: [], table: null, since: "2017-11-30", reachable: true }]);
    expect(at(rs, "fdcd:5cb4:d0e1::/64")[0]).toMatchObject({ type: "unicast", nextHops: [{ via: null, iface: "br-lan", weight: null }] });
    expect(at(rs, "2001:db8:ebbd:c::/64")[0]).toMatchObject({ protocol: "rip1", preference: 120, metric: 2, since: "23:30:58", nextHops: [{ via: "fe80::224:a5ff:fed7:3089", iface: "eth1", weight: null }] });
    expect(at(rs, "64:ff9b::/96")[0]?.nextHops[0]?.via).toBe("fe80::221:29ff:fec3:6cb0");
  });

  it("reads 2.0.8 (tabs as 8 spaces) with a direct primary and a RIP alternate", () => {
    const rs = routes("seed-bird2-show-route-ripng.txt");
    expect(rs).toHaveLength(21);
    expect(at(rs, "::/0")[0]).toMatchObject({ protocol: "rip1", primary: true, preference: 120, metric: 4, table: "master6", since: "09:34:47.143" });
    expect(at(rs, "2001:db8:8011:fd44::/64").map((r) => [r.protocol, r.primary, r.nextHops[0]?.via ?? r.nextHops[0]?.iface])).toEqual([
      ["direct1", true, "wan"],
      ["rip1", false, "fe80::7683:c2ff:fe61:fd60"],
    ]);
  });

  it("normalises 1.6 and 2.x to the same shape for the same RIP route", () => {
    const one = at(routes("seed-bird16-show-route-ripng.txt"), "2001:db8:ebbd:4::/64")[0];
    const two = at(routes("seed-bird2-show-route-ripng.txt"), "2001:db8:8011:fd60::/60")[0];
    expect(Object.keys(one ?? {}).sort()).toEqual(Object.keys(two ?? {}).sort());
    expect([one?.type, two?.type]).toEqual(["unicast", "unicast"]);
  });
});

describe("parseBirdRoutes, written variants", () => {
  it("reads 1.6 multipath ECMP, blackhole/prohibited, BGP (100/?) and (100/-), a `!` sync error", () => {
    const rs = routes("bird16-route-multipath-bgp-kernel-sync.txt");
    expect(at(rs, "fd00:d::/64")[0]).toMatchObject({ type: "unicast", primary: true, metric: 3, nextHops: [{ via: "fe80::8cec:c6ff:fe85:d29b", iface: "wlan0", weight: 1 }, { via: "fe80::e88b:53ff:fe1b:2681", iface: "wlan1", weight: 2 }] });
    expect(at(rs, "fd00:bad::/48")[0]).toMatchObject({ type: "blackhole", nextHops: [], preference: 200 });
    expect(at(rs, "fd00:dead::/48")[0]?.type).toBe("prohibited");
    expect(at(rs, "2001:db8:100::/40").map((r) => [r.protocol, r.primary, r.preference, r.metric, r.since])).toEqual([
      ["bgp_up1", true, 100, null, "2023-05-17"],
      ["bgp_up2", false, 100, null, "2023-05-18"],
    ]);
    expect(at(rs, "::/0")[0]).toMatchObject({ protocol: "kernel1", primary: true, preference: 10 });
  });

  it("reads 2.x OSPF E2, BGP with attributes, onlink/mpls next hops and iso-long times", () => {
    const rs = routes("bird2-route-all-bgp-ospf-onlink.txt");
    expect(at(rs, "0.0.0.0/0")[0]).toMatchObject({ protocol: "ospf1", preference: 150, metric: 10, since: "2024-01-02 10:00:00", nextHops: [{ via: "10.0.12.2", iface: "eth1", weight: null }] });
    const bgp = at(rs, "198.51.100.0/24")[0];
    expect(bgp).toMatchObject({ protocol: "bgp_ix", preference: 100, metric: 20, nextHops: [{ via: "192.0.2.9", iface: "ix0", weight: null }] });
    expect(bgp?.attrs).toMatchObject({ "BGP.as_path": "64500 64501", "BGP.large_community": "", "BGP.community": "(64500,1) (64500,2)\n(64500,3)" });
    expect(at(rs, "10.99.0.0/16")[0]).toMatchObject({ type: "blackhole", attrs: { Type: "static univ" } });
  });

  it("reads 1.6 `show route all` with an alternate keeping its own attributes", () => {
    const rs = routes("bird16-route-all-rip.txt");
    expect(rs.map((r) => [r.primary, r.metric, r.attrs?.["RIP.metric"], r.attrs?.Type])).toEqual([
      [true, 2, "2", "RIP unicast univ"],
      [false, 3, "3", "RIP unicast univ"],
    ]);
  });

  it("refuses text that is not a route listing, and BIRD's error replies", () => {
    const r = parseBirdRoutes(fixture("bird2-captured-rip-neighbors-2peers-2instances.txt"));
    expect(r.ok ? "ok" : r.error.code).toBe("E_PARSE_FORMAT");
    const denied = parseBirdRoutes(fixture("bird2-captured-v-access-restricted-reply-codes.txt"));
    expect(denied.ok ? "ok" : [denied.error.code, denied.error.line]).toEqual(["E_PARSE_INVALID", 3]);
  });

  it("parses a 10,000-line `show route` completely (how fast: `npm run bench -- bird-routes`)", () => {
    const lines = ["Table master6:"];
    for (let i = 0; i < 5000; i++) {
      lines.push(`fd00:${i.toString(16)}::/64${" ".repeat(8)}unicast [ripng 09:34:47.143] * (120/${(i % 15) + 1})`);
      lines.push(`\tvia fe80::${(i % 7).toString(16)} on wlan${i % 2}`);
    }
    const r = parseBirdRoutes(lines.join("\n"));
    expect(r.ok && r.value.routes.length).toBe(5000);
    expect(new Set(r.ok ? r.value.routes.map((x) => x.prefix) : []).size).toBe(5000);
  });
});
