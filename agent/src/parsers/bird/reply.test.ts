import { describe, expect, it } from "vitest";
import { readReply } from "./reply";
import { parseBirdRoutes } from "./index";

const texts = (t: string): string[] => {
  const r = readReply(t);
  if (!r.ok) throw new Error(r.error.message);
  return r.lines.map((l) => l.text);
};

describe("readReply", () => {
  it("strips birdc -v codes and the five-space continuation, and the banner", () => {
    expect(texts("0001 BIRD 2.0.12 ready.\n1007-Table master6:\n     ::/0  unicast [rip1 09:34:47.143] * (120/4)\n     \tvia fe80::1 on wan\n")).toEqual(["Table master6:", "::/0  unicast [rip1 09:34:47.143] * (120/4)", "\tvia fe80::1 on wan", ""]);
  });

  it("reads the raw control-socket protocol too (one-space continuation, `0000` end)", () => {
    const raw = "0001 BIRD 2.0.8 ready.\r\n1007-Table master6:\r\n ::/0  unicast [rip1 09:34:47.143] * (120/4)\r\n \tvia fe80::1 on wan\r\n0000 \r\n";
    const r = parseBirdRoutes(raw);
    expect(r.ok && r.value.routes).toEqual([{ prefix: "::/0", protocol: "rip1", type: "unicast", primary: true, preference: 120, metric: 4, nextHops: [{ via: "fe80::1", iface: "wan", weight: null }], table: "master6", since: "09:34:47.143", reachable: true }]);
  });

  it("keeps leading whitespace when not in -v mode, and drops `#` comment lines", () => {
    expect(texts("# note\nBIRD 1.6.8 ready.\n                   unreachable [rs1 15:07:47] (100/-)\n")).toEqual(["                   unreachable [rs1 15:07:47] (100/-)", ""]);
  });

  it("marks `No protocols match` and `Network not found` as an empty answer, errors with their line", () => {
    const e = readReply("BIRD 2.0.8 ready.\nNo protocols match\n");
    expect(e.ok && e.empty).toBe(true);
    const v = readReply("0001 BIRD 2.0.12 ready.\n8001 Network not found\n");
    expect(v.ok && v.empty).toBe(true);
    const bad = readReply("0001 BIRD 2.0.12 ready.\n9001 Invalid prefix length 33\n");
    expect(bad.ok ? "ok" : [bad.error.code, bad.error.line, bad.error.message]).toEqual(["E_PARSE_INVALID", 2, "BIRD replied with error 9001: Invalid prefix length 33"]);
  });
});
