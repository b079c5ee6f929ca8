import { describe, expect, it } from "vitest";
import { seededRandom } from "@meshfleet/testkit";
import { headerTokens, int, readReply, tokens } from "./reply";
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

describe("BIRD number and header readers", () => {
  it("int agrees with /^\\d{1,15}$/ on 100,000 random strings", () => {
    const pieces = ["0", "7", "12345", "999999999999", "-", " ", ".", "x", "\u0663", "1e3"];
    const r = seededRandom(20261123);
    const wrong: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const s = Array.from({ length: 1 + Math.floor(r() * 5) }, () => pieces[Math.floor(r() * pieces.length)]).join("");
      if (!Object.is(int(s), /^\d{1,15}$/.test(s) ? Number(s) : null)) wrong.push(JSON.stringify(s));
    }
    expect(wrong).toEqual([]);
    expect(int(undefined)).toBeNull();
  });

  it("header tokens join the multi-word titles, and other lines split as they are", () => {
    expect(headerTokens("IP address                Interface  Metric Routes Hellos Expires RTT (ms) Next hello")).toEqual(["IP_address", "Interface", "Metric", "Routes", "Hellos", "Expires", "RTT_ms", "Next_hello"]);
    expect(headerTokens("Prefix   Router ID   Next hop (v6)  RX cost")).toEqual(["Prefix", "Router_ID", "Next_hop_v6", "RX_cost"]);
    expect(headerTokens("fe80::1  mesh0   1   4  12.345")).toEqual(tokens("fe80::1  mesh0   1   4  12.345"));
  });
});
