import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { routingView, type RoutingView } from "@meshfleet/shared";
import { babeldToRoutingView, parseBabeldDump } from "./index";

function view(name: string): RoutingView {
  const r = parseBabeldDump(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8"));
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  expect(r.skipped).toBe(0);
  const v = babeldToRoutingView(r.value);
  expect(routingView.parse(v)).toBeTruthy();
  return v;
}
const Y = "fe80::1082:86ff:fea1:a616"; // mfcap-y seen from x

describe("real babeld 1.12.1 retraction (x-y-z line, the y-z link cut)", () => {
  it("lists the retracted route as installed at metric 65535 via y: primary, but not reachable", () => {
    expect(view("babeld-1.12-captured-dump-line-retracted.txt").routes.map((r) => [r.prefix, r.primary, r.metric, r.nextHops[0]?.via, r.reachable])).toEqual([
      ["2001:db8:1::/64", true, 128, undefined, true],
      ["2001:db8:2::/64", true, 224, Y, true],
      ["2001:db8:3::/64", true, 65535, Y, false],
    ]);
  });

  it("before the cut and after the restore the same route is reachable at metric 320", () => {
    for (const f of ["babeld-1.12-captured-dump-line-before-cut.txt", "babeld-1.12-captured-dump-line-restored.txt"]) {
      expect(view(f).routes.map((r) => [r.prefix, r.metric, r.reachable])).toEqual([
        ["2001:db8:1::/64", 128, true],
        ["2001:db8:2::/64", 224, true],
        ["2001:db8:3::/64", 320, true],
      ]);
    }
  });

  it("keeps a neighbour on the downed interface at cost 65535 (the detectors count it as lost)", () => {
    const v = view("babeld-1.12-captured-dump-line-neighbour-lost.txt");
    expect(v.neighbors.map((n) => [n.iface, n.metric, n.rxcost, n.txcost])).toEqual([
      ["vyz", 65535, 96, 96],
      ["vyx", 96, 96, 96],
    ]);
    expect(v.interfaces.map((i) => [i.iface, i.state])).toEqual([["vyx", "Up"], ["vyz", "Down"]]);
  });
});
