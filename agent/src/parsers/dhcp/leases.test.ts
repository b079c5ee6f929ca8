import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dhcpLeases } from "@meshfleet/shared";
import { parseDhcpLeases } from "./leases";
import { forEachMutated } from "../../../testing/mutated";

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");
const ok = (text: string) => {
  const r = parseDhcpLeases(text);
  if (!r.ok) throw new Error(r.error.message);
  return { ...r.value, skipped: r.skipped };
};

describe("parseDhcpLeases", () => {
  it("IPv4 leases with and without a hostname, an infinite lease; DHCPv6 lines recognised and skipped", () => {
    const r = ok(fixture("dhcp-leases-dnsmasq-v4-v6-infinite.txt"));
    expect(r.leases).toEqual([
      { mac: "02:11:22:33:44:01", ip: "192.168.1.120", hostname: "pixel-7", expiresSec: 1764979200 },
      { mac: "02:11:22:33:44:02", ip: "192.168.1.121", hostname: null, expiresSec: 1764979931 },
      { mac: "02:11:22:33:44:03", ip: "192.168.1.2", hostname: "printer-hall", expiresSec: null },
      { mac: "3c:22:fb:aa:bb:cc", ip: "192.168.1.144", hostname: "MacBook-Air", expiresSec: 1764978000 },
    ]);
    expect(r.skipped).toBe(1);
  });

  it("CRLF, runs of blanks, no client id, broken lines skipped and counted", () => {
    const r = ok(fixture("dhcp-leases-crlf-spaces-broken-lines.txt"));
    expect(r.leases.map((l) => [l.mac, l.ip, l.hostname])).toEqual([
      ["02:11:22:33:44:01", "192.168.1.120", "laptop-with-a-very-long-name-from-a-windows-domain"],
      ["02:11:22:33:44:09", "192.168.1.129", null],
      ["02:11:22:33:44:0b", "10.0.0.7", "tv"],
    ]);
    expect(r.skipped).toBe(2);
  });

  it("an empty file is no leases; other text is not this format", () => {
    expect(ok("").leases).toEqual([]);
    const r = parseDhcpLeases("Survey data from wlan0\n\tfrequency:\t\t\t2412 MHz\n");
    expect(r.ok ? null : r.error.code).toBe("E_PARSE_FORMAT");
  });

  it("3,000 mutated fixtures: never throws, ok values pass the wire schema", () => {
    const seeds = [fixture("dhcp-leases-dnsmasq-v4-v6-infinite.txt"), fixture("dhcp-leases-crlf-spaces-broken-lines.txt")];
    let good = 0;
    forEachMutated(seeds, 3000, 15, (text, how) => {
      const r = parseDhcpLeases(text);
      if (!r.ok) {
        expect(["E_PARSE_FORMAT", "E_PARSE_INVALID"]).toContain(r.error.code);
        return;
      }
      good++;
      const check = dhcpLeases.safeParse(r.value);
      if (!check.success) throw new Error(`schema failed after ${how}: ${check.error.message}`);
    });
    expect(good).toBeGreaterThan(1500);
  });
});
