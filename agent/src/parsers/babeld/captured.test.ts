import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { routingView } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { babeldToRoutingView, parseBabeldDump, type BabeldDump } from "./index";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");
function ok(r: ParseOutcome<BabeldDump>): BabeldDump & { skipped: number } {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return { ...r.value, skipped: r.skipped };
}
const Y = "fe80::5425:56ff:fe4e:8131"; // mfcap-y on the wired link vxy
const Z = "fe80::9cfc:e5ff:fe53:df08"; // mfcap-z on the wireless link vxz

describe("real babeld 1.12.1 output (three namespaces in a triangle, captured on x)", () => {
  it("reads a dump: greeting, two interfaces, both neighbours, xroutes and every route", () => {
    const d = ok(parseBabeldDump(fixture("babeld-1.12-captured-dump-triangle.txt")));
    expect(d.skipped).toBe(0);
    expect(d.info).toEqual({ version: "babeld-1.12.1", host: "vm", myId: "cc:c0:7d:cd:77:7b:72:e6" });
    expect(d.interfaces.map((i) => [i.name, i.up, i.ipv6])).toEqual([
      ["vxy", true, "fe80::4c33:f4ff:fef9:c19f"],
      ["vxz", true, "fe80::44dc:34ff:fea2:8c6f"],
    ]);
    expect(d.neighbours.map((n) => [n.address, n.iface, n.reach, n.ureach, n.rxcost, n.txcost, n.cost])).toEqual([
      [Y, "vxy", "ffff", "0000", 96, 96, 96],
      [Z, "vxz", "ffff", "0000", 256, 256, 256],
    ]);
    expect(d.xroutes.map((x) => [x.prefix, x.from, x.metric])).toEqual([
      ["10.50.1.0/24", "0.0.0.0/0", 128],
      ["fd00:b0:1::/64", "::/0", 128],
    ]);
    expect(d.routes).toHaveLength(8);
    expect(d.routes.filter((r) => r.prefix === "fd00:b0:2::/64").map((r) => [r.installed, r.metric, r.refmetric, r.via, r.iface, r.routerId])).toEqual([
      [true, 224, 128, Y, "vxy", "60:e2:04:34:6e:fc:7f:76"],
      [false, 736, 480, Z, "vxz", "60:e2:04:34:6e:fc:7f:76"],
    ]);
  });

  it("turns the dump into a routing view with the wired path primary", () => {
    const view = babeldToRoutingView(ok(parseBabeldDump(fixture("babeld-1.12-captured-dump-triangle.txt"))));
    expect(routingView.parse(view)).toBeTruthy();
    expect(view.routes.filter((r) => r.primary).map((r) => [r.prefix, r.metric, r.nextHops[0]?.iface])).toEqual([
      ["10.50.1.0/24", 128, undefined],
      ["10.50.2.0/24", 224, "vxy"],
      ["10.50.3.0/24", 384, "vxz"],
      ["fd00:b0:1::/64", 128, undefined],
      ["fd00:b0:2::/64", 224, "vxy"],
      ["fd00:b0:3::/64", 384, "vxz"],
    ]);
    // x's own prefixes (its xroutes) are originated routes: no next hop, never a learned route.
    expect(view.routes.filter((r) => r.originated)).toEqual([
      { prefix: "10.50.1.0/24", protocol: "babeld", type: "unicast", primary: true, preference: null, metric: 128, nextHops: [], table: null, since: null, reachable: true, originated: true },
      { prefix: "fd00:b0:1::/64", protocol: "babeld", type: "unicast", primary: true, preference: null, metric: 128, nextHops: [], table: null, since: null, reachable: true, originated: true },
    ]);
    expect(view.neighbors.map((n) => [n.address, n.iface, n.metric, n.routes])).toEqual([
      [Y, "vxy", 96, 4],
      [Z, "vxz", 256, 4],
    ]);
  });

  it("follows a monitor session across the link cut: flushes, the interface going down, routes moving to z", () => {
    const m = ok(parseBabeldDump(fixture("babeld-1.12-captured-monitor-link-cut.txt")));
    expect(m.skipped).toBe(0);
    expect(m.events.filter((e) => e.kind === "flush").map((e) => `${e.object} ${e.id}`)).toEqual([
      "route 55f7d69c9240",
      "route 55f7d69c9420",
      "route 55f7d69c91a0",
      "route 55f7d69c93c0",
      "neighbour 55f7d69c8fd0",
    ]);
    expect(m.events.find((e) => e.object === "interface" && e.kind === "change")).toMatchObject({ id: "vxy" });
    expect(m.routes.filter((r) => r.installed).map((r) => [r.prefix, r.metric, r.via])).toEqual([
      ["10.50.2.0/24", 640, Z],
      ["10.50.3.0/24", 384, Z],
      ["fd00:b0:2::/64", 640, Z],
      ["fd00:b0:3::/64", 384, Z],
    ]);
  });

  it("ends the monitor session in the same state as a fresh dump taken afterwards", () => {
    const m = ok(parseBabeldDump(fixture("babeld-1.12-captured-monitor-link-cut.txt")));
    const d = ok(parseBabeldDump(fixture("babeld-1.12-captured-dump-after-link-cut.txt")));
    expect(m.interfaces).toEqual(d.interfaces);
    expect(m.neighbours).toEqual(d.neighbours);
    expect(m.routes).toEqual(d.routes);
    expect(m.xroutes).toEqual(d.xroutes);
    expect(d.interfaces).toEqual([
      { name: "vxy", up: false, ipv6: null, ipv4: null },
      { name: "vxz", up: true, ipv6: "fe80::44dc:34ff:fea2:8c6f", ipv4: null },
    ]);
  });
});
