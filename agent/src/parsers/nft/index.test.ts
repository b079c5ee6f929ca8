import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nftCounters, type NftCounter, type NftCounters } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { parseNft, parseNftJson, parseNftText } from "./index";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");

function value(r: ParseOutcome<NftCounters>): { counters: NftCounter[]; skipped: number } {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  expect(nftCounters.safeParse(r.value).success).toBe(true);
  return { counters: r.value.counters, skipped: r.skipped };
}

const byComment = (cs: NftCounter[], comment: string): NftCounter[] => cs.filter((c) => c.comment === comment);

describe("parseNftJson (captured nft -j list ruleset, nftables 1.0.6)", () => {
  const { counters, skipped } = value(parseNftJson(fixture("fw4-json-ripng-accept.json.txt")));

  it("reads every counted rule and the named counter, sorted", () => {
    expect(skipped).toBe(0);
    expect(counters).toHaveLength(18);
    expect(counters[0]).toEqual({ kind: "named", family: "inet", table: "fw4", chain: null, name: "rip_in", comment: "RIPng packets in", handle: 15, packets: 5, bytes: 440, summary: null });
    const keys = counters.map((c) => [c.family, c.table, c.chain ?? "", c.handle ?? -1]);
    const sorted = [...keys].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])) || String(a[2]).localeCompare(String(b[2])) || Number(a[3]) - Number(b[3]));
    expect(keys).toEqual(sorted);
    expect(counters.at(-1)).toMatchObject({ family: "ip", table: "nat_legacy", chain: "postrouting", handle: 2, comment: null, summary: 'oifname "veth-b" masquerade' });
  });

  it("ties the RIPng accept rule to its fw4 comment with port, source and verdict visible", () => {
    const [rip] = byComment(counters, "!fw4: Allow-RIPng");
    expect(rip).toEqual({
      kind: "rule",
      family: "inet",
      table: "fw4",
      chain: "input_wan",
      name: null,
      comment: "!fw4: Allow-RIPng",
      handle: 42,
      packets: 5,
      bytes: 440,
      summary: 'udp dport 521 ip6 saddr fe80::/10 counter name "rip_in" accept',
    });
    expect(byComment(counters, "!fw4: Allow-Babel")[0]).toMatchObject({ handle: 43, packets: 3, bytes: 264, summary: "udp dport 6696 ip6 saddr @lan_hosts accept" });
  });

  it("spells out sets, jumps, gotos, limits and rejects", () => {
    expect(byComment(counters, "!fw4: Allow-ISAKMP")[0]?.summary).toBe("udp dport 500 goto accept_to_lan");
    expect(byComment(counters, "!fw4: Allow-IPSec-ESP")[0]?.summary).toBe("meta l4proto esp jump accept_to_lan");
    expect(byComment(counters, "!fw4: ext_mgmt")[0]?.summary).toBe('meta nfproto ipv6 tcp dport { 22, 80, 443 } quota name "wan_cap" accept');
    expect(byComment(counters, "!fw4: reject wan IPv4/IPv6 traffic")[0]?.summary).toBe('iifname { "wan", "veth-b" } reject');
    expect(byComment(counters, "!fw4: Allow-DHCP-Renew")[0]).toMatchObject({ packets: 2, bytes: 76, summary: "meta nfproto ipv4 udp dport 68 accept" });
  });

  it("gives the same counters and summaries as the text listing of the same ruleset", () => {
    const text = value(parseNftText(fixture("fw4-text-handles-ripng-accept.txt"))).counters;
    expect(text).toEqual(counters);
    const noHandles = value(parseNftText(fixture("fw4-text-ripng-accept.txt"))).counters;
    expect(noHandles).toEqual(counters.map((c) => ({ ...c, handle: null })));
    expect(noHandles.every((c) => c.handle === null)).toBe(true);
    expect(byComment(noHandles, "!fw4: Allow-RIPng")[0]?.summary).toBe('udp dport 521 ip6 saddr fe80::/10 counter name "rip_in" accept');
  });
});

describe("parseNftJson variants", () => {
  it("reads pretty-printed JSON with named counters, quotas and counter maps", () => {
    const { counters, skipped } = value(parseNftJson(fixture("json-pretty-named-counters-quota-map.json.txt")));
    expect(skipped).toBe(0);
    expect(counters.map((c) => [c.kind, c.name ?? c.chain, c.handle, c.packets, c.bytes])).toEqual([
      ["named", "lan_hosts_in", 2, 12, 1433],
      ["named", "guest_in", 3, 0, 0],
      ["rule", "acct_in", 10, 7, 420],
      ["rule", "acct_in", 11, 0, 0],
    ]);
    expect(counters[2]?.summary).toBe("ip saddr 198.51.100.0/24 tcp dport 1000-2000 continue");
    expect(counters[3]?.summary).toBe('udp sport 6696 udp dport 6696 log prefix "babel " accept');
  });

  it("leaves out rules whose counter has no values (`nft -s -j`: {\"counter\": null})", () => {
    const { counters, skipped } = value(parseNftJson(fixture("fw4-json-stateless-null-counters.json.txt")));
    expect(skipped).toBe(0);
    expect(counters).toEqual([{ kind: "named", family: "inet", table: "fw4", chain: null, name: "rip_in", comment: "RIPng packets in", handle: 15, packets: 0, bytes: 0, summary: null }]);
  });

  it("accepts null values and skips malformed entries, counting them", () => {
    const doc = {
      nftables: [
        { metainfo: { json_schema_version: 1 } },
        { rule: { family: "inet", table: "t", chain: "c", handle: 4, expr: [{ match: { op: "!=", left: { meta: { key: "l4proto" } }, right: "tcp" } }, { counter: { packets: 1, bytes: 2 } }, { drop: null }] } },
        { rule: { family: "inet", table: "t", chain: "c", handle: 5, expr: [{ counter: { packets: -1, bytes: 2 } }] } },
        { rule: { family: "inet", table: "t", handle: 6, expr: [] } },
        { counter: { family: "inet", table: "t", name: "n", handle: null, packets: 3, bytes: 4 } },
        { counter: { family: "inet", table: "t", name: "bad", packets: "x", bytes: 4 } },
        42,
        { rule: { family: "inet", table: "t", chain: "c", handle: 7, expr: [{ accept: null }] } },
      ],
    };
    const { counters, skipped } = value(parseNftJson(JSON.stringify(doc)));
    expect(skipped).toBe(4);
    expect(counters).toEqual([
      { kind: "named", family: "inet", table: "t", chain: null, name: "n", comment: null, handle: null, packets: 3, bytes: 4, summary: null },
      { kind: "rule", family: "inet", table: "t", chain: "c", name: null, comment: null, handle: 4, packets: 1, bytes: 2, summary: "meta l4proto != tcp drop" },
    ]);
  });

  it("tells not-JSON from broken nft JSON", () => {
    const broken = parseNftJson('{"nftables": [{"metainfo": {}}, {"rule": {"fami');
    expect(broken.ok ? null : broken.error.code).toBe("E_PARSE_INVALID");
    const other = parseNftJson('{"clients": {}}');
    expect(other.ok ? null : other.error.code).toBe("E_PARSE_FORMAT");
    const text = parseNftJson("table inet fw4 {");
    expect(text.ok ? null : [text.error.code, text.error.line]).toEqual(["E_PARSE_FORMAT", 1]);
  });
});

describe("parseNftText variants", () => {
  it("reads the OpenWrt 22.03 seed fragment (no closing braces, rules without counters)", () => {
    const { counters, skipped } = value(parseNftText(fixture("seed-openwrt22-nft-list-table-fw4-fragment.txt")));
    expect(skipped).toBe(0);
    expect(counters).toHaveLength(6);
    expect(counters.every((c) => c.family === "inet" && c.table === "fw4" && c.chain === "forward_wan")).toBe(true);
    expect(counters[0]).toMatchObject({ comment: "!fw4: Allow-ICMPv6-Forward", packets: 4, bytes: 416 });
    expect(byComment(counters, "!fw4: Allow-ISAKMP")[0]?.summary).toBe("udp dport 500 jump accept_to_lan");
  });

  it("reads a pasted fragment without table line, 8-space indented, last chain unclosed", () => {
    const { counters, skipped } = value(parseNftText(fixture("text-fragment-no-table-8-spaces-unclosed.txt")));
    expect(skipped).toBe(0);
    expect(counters.map((c) => [c.chain, c.comment, c.packets])).toEqual([
      ["input_wan", "!fw4: Allow-ICMPv6-Input", 2],
      ["input_wan", "!fw4: Allow-DHCP-Renew", 2],
      ["input_wan", "!fw4: Allow-Ping", 0],
      ["input_wan", "!fw4: Allow-DHCPv6", 1],
      ["input_wan", "!fw4: Allow-RIPng", 5],
      ["input_wan", "!fw4: Allow-Babel", 3],
      ["input_wan", "!fw4: Allow-ICMPv6-Input", 0],
      ["input_wan", "!fw4: ext_mgmt", 0],
      ["reject_from_wan", "!fw4: reject wan IPv4/IPv6 traffic", 2],
    ]);
    expect(counters[0]?.family).toBe("");
    expect(counters[0]?.table).toBe("");
  });

  it("reads named counter blocks and skips quota/map bodies", () => {
    const { counters, skipped } = value(parseNftText(fixture("text-named-counters-quota-map.txt")));
    expect(skipped).toBe(0);
    expect(counters.map((c) => [c.kind, c.name ?? c.chain, c.packets, c.bytes])).toEqual([
      ["named", "guest_in", 0, 0],
      ["named", "lan_hosts_in", 12, 1433],
      ["rule", "acct_in", 7, 420],
      ["rule", "acct_in", 0, 0],
    ]);
  });

  it("reads a stateless listing (`nft -s`): counters without values are left out, not skipped", () => {
    const r = parseNftText(fixture("fw4-text-stateless-no-counter-values.txt"));
    expect(r.ok && [r.value.counters, r.skipped]).toEqual([[], 0]);
  });

  it("skips multi-line set elements and counts stray lines", () => {
    const text = [
      "table ip t {",
      "\tset s {",
      "\t\ttype ipv4_addr",
      "\t\telements = { 192.0.2.1, 192.0.2.2,",
      "\t\t\t     192.0.2.3 }",
      "\t}",
      "\tchain c {",
      '\t\tip saddr @s counter packets 9 bytes 900 drop comment "x \\"y\\""',
      "\t}",
      "}",
      "garbage here",
    ].join("\n");
    const { counters, skipped } = value(parseNftText(text));
    expect(skipped).toBe(1);
    expect(counters).toEqual([{ kind: "rule", family: "ip", table: "t", chain: "c", name: null, comment: 'x "y"', handle: null, packets: 9, bytes: 900, summary: "ip saddr @s drop" }]);
  });

  it("rejects text without any table or chain", () => {
    const r = parseNftText("Station 00:11:22:33:44:55 (on wlan0)\n\tsignal: -40 dBm");
    expect(r.ok ? null : [r.error.code, r.error.line]).toEqual(["E_PARSE_FORMAT", 1]);
  });
});

describe("parseNft", () => {
  it("uses JSON when it is JSON and the text form otherwise", () => {
    expect(value(parseNft(fixture("fw4-json-ripng-accept.json.txt"))).counters).toHaveLength(18);
    expect(value(parseNft(fixture("fw4-text-ripng-accept.txt"))).counters).toHaveLength(18);
    const broken = parseNft('{"nftables": [');
    expect(broken.ok ? null : broken.error.code).toBe("E_PARSE_INVALID");
    const neither = parseNft('{"board_name": "x"}');
    expect(neither.ok ? null : neither.error.code).toBe("E_PARSE_FORMAT");
  });
});
