import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FORMAT_NAMES, detectFormat, stripCommentHeader, type FormatName } from "./detect";
import { mutatedInputs } from "@meshfleet/testkit";

const here = fileURLToPath(new URL("./", import.meta.url));

/**
 * Outputs kept as fixtures that are no parse format (BIRD error replies, `show route
 * count`, `show babel interfaces`): detection must answer null for them.
 */
const NOT_A_FORMAT = /access-restricted|no-such-command|syntax-error|not-found|protocol-disabled|no-(rip|babel)-protocol|route-count|babel-interfaces/;

/**
 * Which format a fixture holds, from its parser folder and file name. Fixture names
 * follow the command they captured (`…station-dump…`, `…show-rip-neighbors…`).
 * null: not a format (see NOT_A_FORMAT); undefined: no mapping (the test fails).
 */
function expectedFormat(folder: string, name: string): FormatName | null | undefined {
  const n = name.toLowerCase();
  if (NOT_A_FORMAT.test(n)) return null;
  switch (folder) {
    case "nft":
      return "nft";
    case "ubus":
      if (n.startsWith("system-board")) return "ubus-board";
      if (n.startsWith("network-wireless")) return "ubus-wireless";
      if (n.startsWith("hostapd")) return "hostapd-clients";
      return undefined;
    case "iw":
      if (n.includes("station")) return "station-dump";
      if (n.includes("mpath")) return "mpath-dump";
      if (n.includes("survey")) return "survey-dump";
      if (n.startsWith("scan")) return "iw-scan";
      if (/(^|[-_])(iw-dev|dev|info)([-_.]|$)/.test(n)) return "iw-dev";
      return undefined;
    case "dhcp":
      return n.includes("leases") ? "dhcp-leases" : undefined;
    case "bird":
      if (/rip-neighbou?rs/.test(n)) return "bird-rip-neighbors";
      if (n.includes("rip-interfaces")) return "bird-rip-interfaces";
      if (/babel-neighbou?rs/.test(n)) return "bird-babel-neighbors";
      if (/babel-(entries|routes)/.test(n)) return "bird-babel-entries";
      if (n.includes("protocols")) return "bird-protocols";
      if (n.includes("route")) return "bird-route";
      return undefined;
    case "babeld":
      if (n.includes("ubus") || n.includes("get-neighbours")) return "babeld-ubus";
      if (/dump|monitor|lines/.test(n)) return "babeld-dump";
      return undefined;
    default:
      return undefined;
  }
}

/** Every `*.txt` fixture in `parsers/<folder>/fixtures/` (other files, e.g. capture scripts, are not outputs). */
function fixtures(): { folder: string; name: string; path: string }[] {
  const out: { folder: string; name: string; path: string }[] = [];
  for (const folder of readdirSync(here)) {
    const dir = `${here}${folder}/fixtures/`;
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) continue;
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((x) => x.endsWith(".txt")).sort()) out.push({ folder, name, path: dir + name });
  }
  return out;
}

describe("detectFormat on every parser fixture", () => {
  const all = fixtures();

  it("finds fixtures of this folder's formats", () => {
    expect(all.filter((f) => f.folder === "nft").length).toBeGreaterThanOrEqual(7);
    expect(all.filter((f) => f.folder === "ubus").length).toBeGreaterThanOrEqual(9);
  });

  it.each(all.map((f) => [`${f.folder}/${f.name}`, f] as const))("%s", (_label, f) => {
    const expected = expectedFormat(f.folder, f.name);
    expect(expected, `no format mapping for ${f.folder}/${f.name}: name it after its command`).not.toBeUndefined();
    const { text } = stripCommentHeader(readFileSync(f.path, "utf8"));
    expect(detectFormat(text)).toBe(expected);
  });
});

describe("detectFormat markers", () => {
  it.each<[string, FormatName]>([
    ["Station 02:11:22:33:44:55 (on mesh0)\n\tinactive time:\t10 ms\n", "station-dump"],
    ["  Station xx:xx:xx:xx:xx:xx (on wlan0)\n", "station-dump"],
    ["DEST ADDR         NEXT HOP          IFACE\tSN\tMETRIC\tQLEN\tEXPTIME\tDTIM\tDRET\tFLAGS\n", "mpath-dump"],
    ["02:00:00:00:00:02 02:00:00:00:00:03 mesh0\t12\t410\t0\t1200\t100\t0\t0x15\t2\t1\n", "mpath-dump"],
    ["phy#1\n\tInterface mesh0\n\t\tifindex 7\n", "iw-dev"],
    ["Interface mesh0\n\tifindex 7\n\twdev 0x100000002\n\taddr 02:00:00:00:00:02\n\ttype mesh point\n", "iw-dev"],
    ["rip1:\nIP address                Interface  Metric Routes    Seen\n", "bird-rip-neighbors"],
    ["Interface  State  Metric   Nbrs   Timer\nbr-lan     Up          1      0   0.961\n", "bird-rip-interfaces"],
    ["babel1:\nIP address                Interface  Metric Routes Hellos Expires\n", "bird-babel-neighbors"],
    ["babel_mesh:\nIP address                Interface  Metric Routes Next hello\n", "bird-babel-neighbors"],
    ["name     proto    table    state  since       info\nrip1     RIP      master   up     23:30:41\n", "bird-protocols"],
    ["babel1:\nPrefix                   Router ID               Metric Seqno  Routes Sources\n", "bird-babel-entries"],
    ["babel1:\nPrefix                   Nexthop                   Interface Metric F Seqno Expires\n", "bird-babel-entries"],
    ["BIRD 2.0.12 ready.\nTable master6:\n2001:db8::/64        unicast [rip1 10:00:00.000] * (120/2)\n", "bird-route"],
    ["2001:db8:1::/64 via fe80::1 on eth1 [rip1 23:30:58] * (120/2)\n", "bird-route"],
    ["10.0.0.0/8         unreachable [static1 12:00:00] * (200)\n", "bird-route"],
    ["0001 BIRD 2.0.12 ready.\n2002-Name       Proto      Table      State  Since         Info\n1002-rip1       RIP        master6    up     10:00:00.000\n", "bird-protocols"],
    ["add neighbour 1e7b2e0 address fe80::1 if wlan0 reach ffff rxcost 96 txcost 96 cost 96\n", "babeld-dump"],
    ["BABEL 1.0\nversion babeld-1.12.1\nok\n", "babeld-dump"],
    ['{"IPv6": {"fe80::1": {"hello-reach": 65535, "dev": "wlan0"}}, "IPv4": []}', "babeld-ubus"],
    ['{"nftables": [{"metainfo": {"json_schema_version": 1}}]}', "nft"],
    ["table inet fw4 {\n\tchain input {\n", "nft"],
    ['{\n\t"board_name": "x"\n}', "ubus-board"],
    ['{\n\t"kernel": "3.18.23",\n\t"release": {\n\t\t"version": "15.05"\n\t}\n}', "ubus-board"],
    ['{\n\t"radio0": {\n\t\t"up": true,\n\t\t"interfaces": [\n', "ubus-wireless"],
    ['{"freq": 2412, "clients": {}}', "hostapd-clients"],
  ])("%j -> %s", (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });

  it.each(["", "   \n\t\n", "hello world\n", "{}", '{"a": 1}', "[1,2]", "x".repeat(200_000), "Interface wlan0\n"])("%j -> null", (text) => {
    expect(detectFormat(text)).toBeNull();
  });

  it("never throws on 3,000 mutated fixtures and answers a format name or null", () => {
    const seeds = fixtures().map((f) => readFileSync(f.path, "utf8"));
    const seen = new Set<string | null>();
    for (const { text } of mutatedInputs(seeds, 3000, 77)) {
      const f = detectFormat(text);
      expect(f === null || (FORMAT_NAMES as readonly string[]).includes(f)).toBe(true);
      seen.add(f);
    }
    expect(seen.has(null)).toBe(true);
    expect(seen.has("nft")).toBe(true);
  });

  it("reads only the head of very long inputs", () => {
    const junk = "\n".repeat(100_000) + " ".repeat(100_000) + "\nStation 02:00:00:00:00:01 (on wlan0)\n";
    expect(detectFormat(junk)).toBe("station-dump");
    expect(detectFormat("garbage\n".repeat(300) + "table inet fw4 {\n")).toBeNull();
  });
});

describe("stripCommentHeader", () => {
  it("drops a provenance header ending in # ---", () => {
    expect(stripCommentHeader("# source: x\n# note: y\n# ---\ntable inet fw4 {\n")).toEqual({ text: "table inet fw4 {\n", lines: 3 });
    expect(stripCommentHeader("# ---\r\nStation x\r\n")).toEqual({ text: "Station x\r\n", lines: 1 });
  });

  it("keeps text without such a header", () => {
    expect(stripCommentHeader("# a comment\ntable inet fw4 {\n")).toEqual({ text: "# a comment\ntable inet fw4 {\n", lines: 0 });
    expect(stripCommentHeader("table x\n# ---\n")).toEqual({ text: "table x\n# ---\n", lines: 0 });
    expect(stripCommentHeader("# only\n# ---")).toEqual({ text: "", lines: 2 });
  });
});
