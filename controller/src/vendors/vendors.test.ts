import { describe, expect, it } from "vitest";
import { ieeeVendors, isLocallyAdministered, ouiKey, VendorTable } from "./vendors";

describe("MAC vendors", () => {
  const table = new VendorTable({ A483E7: "Apple, Inc.\n1 Infinite Loop\nCupertino CA 95014\nUnited States", "9483C4": "GL Technologies (Hong Kong) Limited\n103B Enterprise Place" });

  it("keys a MAC by its OUI, whatever its separators and case", () => {
    expect(["a4:83:e7:12:34:56", "A4-83-E7-12-34-56", "a483e7123456"].map(ouiKey)).toEqual(["A483E7", "A483E7", "A483E7"]);
    expect(["", "a4:83:e7", "a4:83:e7:12:34:5g", "a4:83-e7:12:34:56", "fe80::1"].map(ouiKey)).toEqual([null, null, null, null, null]);
  });

  it("names the vendor by the first line of its entry; a randomised MAC has none; an unknown OUI is null", () => {
    expect(table.size).toBe(2);
    expect(table.lookup("a4:83:e7:12:34:56")).toEqual({ vendor: "Apple, Inc.", randomised: false });
    expect(table.lookup("94:83:c4:00:00:01")).toEqual({ vendor: "GL Technologies (Hong Kong) Limited", randomised: false });
    expect(table.lookup("00:11:22:33:44:55")).toEqual({ vendor: null, randomised: false });
    // 0x02 set in the first octet: locally administered (a phone's private address), even where the rest looks registered.
    expect(isLocallyAdministered("a6:83:e7:12:34:56")).toBe(true);
    expect(table.lookup("a6:83:e7:12:34:56")).toEqual({ vendor: null, randomised: true });
    expect(table.lookup("not a mac")).toBeNull();
  });

  it("the IEEE table of oui-data knows the routers' and phones' makers", () => {
    const ieee = ieeeVendors();
    expect(ieee.size).toBeGreaterThan(30_000);
    expect(ieee.lookup("c4:e9:84:00:00:01")?.vendor).toBe("TP-LINK TECHNOLOGIES CO.,LTD.");
    expect(ieee.lookup("94:83:c4:00:00:01")?.vendor).toBe("GL Technologies (Hong Kong) Limited");
    expect(ieee.lookup("a4:83:e7:00:00:01")?.vendor).toBe("Apple, Inc.");
    expect(ieeeVendors()).toBe(ieee);
  });
});
