import { describe, expect, it } from "vitest";
import { routingProtocols } from "@meshfleet/shared";
import { parseBirdProtocols } from "./index";
import { ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("bird", name);

describe("parseBirdProtocols", () => {
  it("reads captured BIRD 2.0.12 protocols, a long name pushing the row out of alignment", () => {
    const v = ok(parseBirdProtocols(fixture("bird2-captured-protocols-rip-babel.txt")));
    expect(routingProtocols.parse({ protocols: v.protocols })).toBeTruthy();
    expect(v.skipped).toBe(0);
    expect(v.protocols.map((p) => p.name)).toEqual(["babel1", "device1", "direct1", "kernel4", "kernel6", "rip4", "ripng_mesh_backbone"]);
    expect(v.protocols.find((p) => p.name === "ripng_mesh_backbone")).toEqual({ name: "ripng_mesh_backbone", proto: "RIP", table: "master6", state: "up", since: "07:01:18.626", info: null });
    expect(v.protocols[0]).toEqual({ name: "babel1", proto: "Babel", table: null, state: "up", since: "07:01:58.753", info: null });
  });

  it("reads past the detail lines of `show protocols all`", () => {
    const v = ok(parseBirdProtocols(fixture("bird2-captured-protocols-all-babel.txt")));
    expect(v.protocols).toEqual([{ name: "babel1", proto: "Babel", table: null, state: "up", since: "07:01:58.753", info: null }]);
    expect(v.skipped).toBe(0);
  });

  it("reads the BIRD 1.6 lower-case header, a date as Since and BGP info with its spacing", () => {
    const v = ok(parseBirdProtocols(fixture("bird16-protocols-lowercase-header.txt")));
    expect(v.protocols.map((p) => [p.name, p.table, p.state, p.since])).toEqual([
      ["bgp_upstream", "master", "start", "23:31:02"],
      ["device1", "master", "up", "2017-11-30"],
      ["kernel1", "master", "up", "2017-11-30"],
      ["rip1", "master", "up", "23:30:41"],
    ]);
    expect(v.protocols[0]?.info).toBe("Active        Socket: Connection refused");
  });

  it("keeps an iso-long Since (date and time) as one value", () => {
    const v = ok(parseBirdProtocols(fixture("bird2-protocols-iso-long-bgp-info.txt")));
    expect(v.protocols).toEqual([
      { name: "babel1", proto: "Babel", table: null, state: "up", since: "2024-01-02 10:00:00", info: null },
      { name: "bgp_ix", proto: "BGP", table: null, state: "up", since: "2024-01-02 10:00:03", info: "Established" },
      { name: "static_lan", proto: "Static", table: "master6", state: "down", since: "2024-01-01 22:14:09", info: null },
    ]);
  });

  it("refuses a route listing and reports error replies", () => {
    const r = parseBirdProtocols(fixture("bird2-captured-route-rip-ecmp.txt"));
    expect(r.ok ? "ok" : r.error.code).toBe("E_PARSE_FORMAT");
    const e = parseBirdProtocols(fixture("bird2-captured-syntax-error.txt"));
    expect(e.ok ? "ok" : [e.error.code, e.error.line]).toEqual(["E_PARSE_INVALID", 3]);
  });
});
