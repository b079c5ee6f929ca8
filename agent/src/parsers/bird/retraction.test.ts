import { describe, expect, it } from "vitest";
import { routeTable, type Route } from "@meshfleet/shared";
import { parseBirdRoutes } from "./index";
import { ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("bird", name);

function routes(name: string, kinds?: ReadonlyMap<string, string>): Route[] {
  const v = ok(parseBirdRoutes(fixture(name), kinds));
  expect(v.skipped).toBe(0);
  expect(routeTable.parse({ routes: v.routes })).toBeTruthy();
  return v.routes;
}
const row = (r: Route) => [r.prefix, r.protocol, r.type, r.primary, r.metric, r.reachable];
/** What `show protocols` says about the capture's instances. */
const KINDS = new Map([["babel1", "Babel"], ["rip1", "RIP"], ["kernel1", "Kernel"], ["direct1", "Direct"]]);

describe("route reachability, real BIRD output (x-y-z line, the y-z link cut, captured on x)", () => {
  it("BIRD 2 Babel: the retracted prefix is `unreachable (1/65535)` from babel1, listed but not reachable", () => {
    expect(routes("bird2-captured-route-babel-retracted.txt", KINDS).map(row)).toEqual([
      ["2001:db8:1::/64", "direct1", "unicast", true, null, true],
      ["2001:db8:2::/64", "babel1", "unicast", true, 96, true],
      ["2001:db8:3::/64", "babel1", "unreachable", true, 65535, false],
      // The kernel's own unreachable aggregate (learned by kernel1) is a configured route.
      ["fdcd:5cb4:d0e1::/48", "kernel1", "unreachable", true, null, true],
    ]);
  });

  it("BIRD 2 Babel: before the cut and after the restore every route is reachable", () => {
    for (const f of ["bird2-captured-route-babel-before-cut.txt", "bird2-captured-route-babel-restored.txt"]) {
      const rs = routes(f, KINDS);
      expect(rs.map((r) => [r.prefix, r.reachable])).toEqual([["2001:db8:1::/64", true], ["2001:db8:2::/64", true], ["2001:db8:3::/64", true], ["fdcd:5cb4:d0e1::/48", true]]);
      expect(rs.find((r) => r.prefix === "2001:db8:3::/64")).toMatchObject({ type: "unicast", metric: 192, nextHops: [{ via: "fe80::1c80:4ff:feeb:801", iface: "vxy", weight: null }] });
    }
  });

  it("without `show protocols`, the `Type:` attribute of show route all (or the usual instance names) tells the protocol", () => {
    const all = routes("bird2-captured-route-all-babel-retracted.txt");
    expect(all.map((r) => [r.prefix, r.attrs?.Type, r.reachable])).toEqual([
      ["2001:db8:1::/64", "device univ", true],
      ["2001:db8:2::/64", "Babel univ", true],
      ["2001:db8:3::/64", "Babel univ", false],
      ["fdcd:5cb4:d0e1::/48", "inherit univ", true],
    ]);
    expect(routes("bird2-captured-route-babel-retracted.txt").map((r) => r.reachable)).toEqual([true, true, false, true]);
    // An instance `show protocols` names as static keeps its unreachable route, whatever its name.
    const renamed = parseBirdRoutes(fixture("bird2-captured-route-babel-retracted.txt"), new Map([["babel1", "Static"]]));
    expect(renamed.ok && renamed.value.routes.map((r) => r.reachable)).toEqual([true, true, true, true]);
  });

  it("BIRD 1.6 RIPng: the cut prefix is gone from the table (RIP does not keep metric 16), the kernel aggregate stays", () => {
    const before = routes("bird16-captured-route-rip-before-cut.txt", KINDS);
    expect(before.map(row)).toEqual([
      ["2001:db8:1::/64", "direct1", "unicast", true, null, true],
      ["2001:db8:2::/64", "rip1", "unicast", true, 2, true],
      ["2001:db8:3::/64", "rip1", "unicast", true, 3, true],
      ["fdcd:5cb4:d0e1::/48", "kernel1", "unreachable", true, null, true],
    ]);
    expect(routes("bird16-captured-route-rip-after-cut.txt", KINDS).map((r) => r.prefix)).toEqual(["2001:db8:1::/64", "2001:db8:2::/64", "fdcd:5cb4:d0e1::/48"]);
    expect(routes("bird16-captured-route-rip-restored.txt", KINDS).map((r) => [r.prefix, r.metric, r.reachable])).toEqual(before.map((r) => [r.prefix, r.metric, true]));
  });

  it("BIRD 1.6 show route all: `Type: RIP unicast univ` and `Type: babel unicast univ` name the protocol", () => {
    expect(routes("bird16-captured-route-all-rip.txt").map((r) => [r.prefix, r.attrs?.Type, r.reachable])).toEqual([
      ["2001:db8:1::/64", "device unicast univ", true],
      ["2001:db8:2::/64", "RIP unicast univ", true],
      ["2001:db8:3::/64", "RIP unicast univ", true],
      ["fdcd:5cb4:d0e1::/48", "inherit unicast univ", true],
    ]);
    expect(routes("bird16-captured-route-all-babel.txt").map((r) => [r.prefix, r.attrs?.Type, r.metric])).toEqual([
      ["2001:db8:1::/64", "device unicast univ", null],
      ["2001:db8:2::/64", "babel unicast univ", 96],
      ["2001:db8:3::/64", "babel unicast univ", 192],
      ["fdcd:5cb4:d0e1::/48", "inherit unicast univ", null],
    ]);
  });

  it("RIP metric 16 and Babel 65535 are infinity; blackhole/prohibit from a routing protocol are retractions, not from static", () => {
    const text = [
      "BIRD 2.0.12 ready.",
      "Table master6:",
      "2001:db8:a::/64      unicast [rip1 10:00:00.000] * (120/16)",
      "\tvia fe80::1 on eth0",
      "2001:db8:b::/64      unicast [rip1 10:00:00.000] * (120/15)",
      "\tvia fe80::1 on eth0",
      "2001:db8:c::/64      blackhole [babel1 10:00:00.000] * (130/96)",
      "2001:db8:d::/64      prohibit [static1 10:00:00.000] * (200)",
      "2001:db8:e::/64      unicast [babel1 10:00:00.000] * (130/65535)",
      "\tvia fe80::1 on eth0",
      "",
    ].join("\n");
    const r = parseBirdRoutes(text, new Map([["rip1", "RIP"], ["babel1", "Babel"], ["static1", "Static"]]));
    expect(r.ok && r.value.routes.map((x) => [x.prefix, x.reachable])).toEqual([
      ["2001:db8:a::/64", false],
      ["2001:db8:b::/64", true],
      ["2001:db8:c::/64", false],
      ["2001:db8:d::/64", true],
      ["2001:db8:e::/64", false],
    ]);
  });
});
