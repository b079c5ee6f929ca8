import { describe, expect, it } from "vitest";
import { parseUciFile, serializeUci } from "./format";
import { applyUciOps, describeUciOp, findSection } from "./ops";
import { uciCommandsFor } from "./command-backend";

const base = parseUciFile("\nconfig rule\n\toption name 'a'\n\nconfig zone 'lan'\n\toption x '1'\n\nconfig rule 'named'\n\toption name 'b'\n\nconfig rule\n\toption name 'c'\n\n");

describe("UCI operations", () => {
  it("@type[index] counts named and anonymous sections of the type, negative from the end", () => {
    expect(findSection(base, "@rule[0]")?.items[0]).toMatchObject({ value: "a" });
    expect(findSection(base, "@rule[1]")?.name).toBe("named");
    expect(findSection(base, "@rule[-1]")?.items[0]).toMatchObject({ value: "c" });
    expect(findSection(base, "@rule[-3]")?.items[0]).toMatchObject({ value: "a" });
    expect(findSection(base, "@rule[3]")).toBeUndefined();
    expect(findSection(base, "@rule[-4]")).toBeUndefined();
    expect(findSection(base, "lan")?.type).toBe("zone");
  });

  it("does not mutate its input and only returns touched configs", () => {
    const before = serializeUci(base);
    const out = applyUciOps({ firewall: base, other: base }, [{ op: "delete", config: "firewall", section: "@rule[-1]" }]);
    expect(Object.keys(out)).toEqual(["firewall"]);
    expect(serializeUci(base)).toBe(before);
    expect(out.firewall!.sections.map((s) => s.name)).toEqual([null, "lan", "named"]);
  });

  it("section retypes an existing section and refuses to create @type[i]", () => {
    const out = applyUciOps({ f: base }, [{ op: "section", config: "f", section: "lan", type: "rule" }]);
    expect(out.f!.sections[1]!.type).toBe("rule");
    expect(() => applyUciOps({ f: base }, [{ op: "section", config: "f", section: "@rule[9]", type: "rule" }])).toThrow(/Entry not found/);
  });

  it("add_list on an option turns it into a list; del_list of the last value removes it", () => {
    const out = applyUciOps({ f: base }, [
      { op: "add_list", config: "f", section: "lan", option: "x", value: "2" },
      { op: "del_list", config: "f", section: "named", option: "name", value: "b" },
    ]);
    expect(serializeUci(out.f!)).toContain("config zone 'lan'\n\tlist x '1'\n\tlist x '2'\n\nconfig rule 'named'\n\nconfig rule\n");
  });

  it("a missing config is an error unless createMissing", () => {
    const op = { op: "section", config: "new", section: "s", type: "t" } as const;
    expect(() => applyUciOps({}, [op])).toThrow(/Entry not found/);
    expect(serializeUci(applyUciOps({}, [op], { createMissing: true }).new!)).toBe("\nconfig t 's'\n\n");
  });

  it("describes ops like the uci command line", () => {
    expect(describeUciOp({ op: "set", config: "w", section: "@wifi-iface[0]", option: "ssid", value: "x" })).toBe("set w.@wifi-iface[0].ssid=x");
    expect(describeUciOp({ op: "delete", config: "w", section: "s" })).toBe("delete w.s");
  });
});

describe("values the format cannot hold", () => {
  it("a line break in a value is refused before anything is staged", () => {
    const op = { op: "set", config: "f", section: "lan", option: "x", value: "a\nconfig evil" } as const;
    expect(() => applyUciOps({ f: base }, [op])).toThrow(/contains a line break/);
    expect(() => uciCommandsFor(op)).toThrow(/contains a line break/);
  });
});
