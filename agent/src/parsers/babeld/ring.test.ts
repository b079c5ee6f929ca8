import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { babeldToRoutingView, parseBabeldDump } from "./index";

const STUB = "2001:db8:ff::/64";
const V12 = "fe80::8cbc:a9ff:febe:ddeb"; // r2, on r1's v12
const V14 = "fe80::dc84:a6ff:fe2a:503d"; // r4, on r1's v14

/** r1's routes to the stub in one captured dump: `*` the installed one, then next hop and metric, reachable or not. */
function stubRoutes(name: string): string[] {
  const r = parseBabeldDump(readFileSync(fileURLToPath(new URL(`./fixtures/babeld-1.12-captured-dump-ring-r1-${name}.txt`, import.meta.url)), "utf8"));
  if (!r.ok) throw new Error(r.error.message);
  expect(r.skipped).toBe(0);
  return babeldToRoutingView(r.value)
    .routes.filter((x) => x.prefix === STUB)
    .map((x) => `${x.primary ? "*" : " "}${x.nextHops[0]?.via ?? "-"}%${x.nextHops[0]?.iface ?? "-"} ${x.metric} ${x.reachable ? "reachable" : "unreachable"}`);
}

describe("real babeld 1.12.1 dumps of r1 on the lab's ring (two paths of equal metric to r3's stub)", () => {
  it("lists the installed route and the alternate, each with its metric, through a withdrawal, a return and two moves between equal paths", () => {
    expect(stubRoutes("0a-before-withdrawal")).toEqual([`*${V14}%v14 320 reachable`, ` ${V12}%v12 65535 unreachable`]);
    // Retracted: babeld keeps the route installed at 65535 (the kernel holds an unreachable route).
    expect(stubRoutes("0b-retracted")).toEqual([`*${V14}%v14 65535 unreachable`, ` ${V12}%v12 65535 unreachable`]);
    expect(stubRoutes("1-readded")).toEqual([`*${V14}%v14 320 reachable`, ` ${V12}%v12 65535 unreachable`]);
    // babeld moved to v12 and back to v14; each time the old path was still offered at 320.
    expect(stubRoutes("2-equal-move")).toEqual([`*${V12}%v12 320 reachable`, ` ${V14}%v14 320 reachable`]);
    expect(stubRoutes("3-equal-move-back")).toEqual([`*${V14}%v14 320 reachable`, ` ${V12}%v12 320 reachable`]);
    // In the flap series the path via r4 was retracted: a real move.
    expect(stubRoutes("4-flap-old-path-retracted")).toEqual([`*${V12}%v12 320 reachable`, ` ${V14}%v14 65535 unreachable`]);
  });
});
