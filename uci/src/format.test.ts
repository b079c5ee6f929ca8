import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { optionValue, parseUciFile, printUciFile, quoteUci, serializeUci, tokenizeUciLine } from "./format";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", name), "utf8");
const CANONICAL = ["wireless-19.07.conf", "wireless-22.03.conf", "network-22.03.conf", "firewall-22.03.conf"];

describe("parseUciFile / serializeUci", () => {
  it.each(CANONICAL)("%s: files written by uci commit serialise back byte for byte", (name) => {
    const text = fixture(name);
    expect(serializeUci(parseUciFile(text))).toBe(text);
    expect(printUciFile(parseUciFile(text))).toBe(text);
  });

  it("reads named and anonymous sections, options and lists (21.02 config device)", () => {
    const pkg = parseUciFile(fixture("network-22.03.conf"));
    expect(pkg.sections.map((s) => [s.type, s.name])).toEqual([
      ["interface", "loopback"],
      ["globals", "globals"],
      ["device", null],
      ["interface", "lan"],
      ["interface", "wan"],
      ["interface", "wan6"],
    ]);
    expect(optionValue(pkg.sections[2]!, "ports")).toEqual(["lan1", "lan2", "lan3"]);
    expect(optionValue(pkg.sections[2]!, "name")).toBe("br-lan");
    expect(optionValue(pkg.sections[3]!, "ipaddr")).toBe("192.168.1.1");
  });

  it("reads 19.07 hwmode and 21.02+ band radios", () => {
    const old = parseUciFile(fixture("wireless-19.07.conf"));
    expect(optionValue(old.sections[0]!, "hwmode")).toBe("11a");
    expect(optionValue(old.sections[0]!, "band")).toBeUndefined();
    const cur = parseUciFile(fixture("wireless-22.03.conf"));
    expect(optionValue(cur.sections[2]!, "band")).toBe("5g");
    expect(optionValue(cur.sections[4]!, "mesh_id")).toBe("fleetmesh");
  });

  it("hand-written files: comments, double quotes, unquoted tokens, escapes; printUciFile keeps them", () => {
    const text = fixture("handwritten-comments.conf");
    const pkg = parseUciFile(text);
    expect(printUciFile(pkg)).toBe(text);
    const [lo, lan] = pkg.sections;
    expect(lo).toMatchObject({ type: "interface", name: "loopback" });
    expect(optionValue(lo!, "ifname")).toBe("lo");
    expect(optionValue(lo!, "proto")).toBe("static");
    expect(optionValue(lan!, "description")).toBe('it\'s "quoted"');
    expect(optionValue(lan!, "note")).toBe("it's fine");
    expect(optionValue(lan!, "dns")).toEqual(["2001:db8::1", "2001:db8::2"]);
    // What uci commit would write: comments gone, canonical quoting.
    expect(serializeUci(pkg)).toBe(
      [
        "",
        "config interface 'loopback'",
        "\toption ifname 'lo'",
        "\toption proto 'static'",
        "\toption ipaddr '127.0.0.1'",
        "",
        "config interface 'lan'",
        "\toption type 'bridge'",
        "\toption ifname 'eth0.1 eth0.2'",
        `\toption description 'it'\\''s "quoted"'`,
        "\toption note 'it'\\''s fine'",
        "\tlist dns '2001:db8::1'",
        "\tlist dns '2001:db8::2'",
        "",
        "",
      ].join("\n"),
    );
  });

  it("a changed value is printed canonically, the rest keeps its text", () => {
    const pkg = parseUciFile(fixture("handwritten-comments.conf"));
    const item = pkg.sections[0]!.items.find((i) => i.kind === "option" && i.name === "ipaddr");
    if (item?.kind !== "option") throw new Error("ipaddr missing");
    item.value = "127.0.0.2";
    const out = printUciFile(pkg);
    expect(out).toContain("\toption ipaddr '127.0.0.2'\n");
    expect(out).toContain("        option ifname   lo     # the loopback\n");
  });

  it("semicolons separate statements; a list after an option turns it into a list", () => {
    const pkg = parseUciFile("config a 'x'; option b 1; option c '2;3'\n\toption d 'v'\n\tlist d 'w'\n");
    expect(optionValue(pkg.sections[0]!, "b")).toBe("1");
    expect(optionValue(pkg.sections[0]!, "c")).toBe("2;3");
    expect(optionValue(pkg.sections[0]!, "d")).toEqual(["v", "w"]);
  });

  it("a package line (uci export) is read and written", () => {
    const pkg = parseUciFile("package network\n\nconfig interface 'lan'\n\toption proto 'static'\n\n");
    expect(pkg.name).toBe("network");
    expect(serializeUci(pkg, { withPackageLine: "network" })).toBe("package network\n\nconfig interface 'lan'\n\toption proto 'static'\n\n");
  });

  it("values with quotes, $(…), backticks and ; survive serialise -> parse literally", () => {
    const nasty = ["it's", '"dq"', "$(reboot)", "`id`", "a;b", "x'\\''y", "\\", "#not a comment", "  spaced  "];
    const pkg = parseUciFile("config wifi-iface 'ap'\n");
    pkg.sections[0]!.items.push(...nasty.map((v, i) => ({ kind: "option" as const, name: `o${i}`, value: v })));
    const back = parseUciFile(serializeUci(pkg));
    nasty.forEach((v, i) => expect(optionValue(back.sections[0]!, `o${i}`)).toBe(v));
  });

  it("quoteUci escapes a quote the way uci does", () => {
    expect(quoteUci("it's")).toBe("'it'\\''s'");
    expect(tokenizeUciLine("option x 'it'\\''s'", 1)).toEqual([["option", "x", "it's"]]);
  });

  it("malformed input throws E_UCI with the line number", () => {
    expect(() => parseUciFile("config a 'b'\n\toption c 'unterminated\n")).toThrow(/line 2: unterminated single quote/);
    expect(() => parseUciFile("\toption c 'd'\n")).toThrow(/outside of a config section/);
    expect(() => parseUciFile("config a 'b'\n\tbogus c 'd'\n")).toThrow(/unknown keyword/);
    expect(() => parseUciFile("config a 'b c'\n")).toThrow(/invalid section name/);
    try {
      parseUciFile("config a\n\toption\n");
    } catch (e) {
      expect((e as { code: string }).code).toBe("E_UCI");
    }
  });

  it("empty text is an empty package and serialises like an empty uci file", () => {
    const pkg = parseUciFile("");
    expect(pkg.sections).toEqual([]);
    expect(serializeUci(pkg)).toBe("\n");
  });
});

describe("quoteUci refuses what the format cannot hold", () => {
  it("line breaks and NUL throw E_UCI instead of writing a second line", () => {
    for (const v of ["a\nb", "a\rb", "a\u0000b"]) expect(() => quoteUci(v)).toThrow(/cannot contain line breaks/);
  });
});
