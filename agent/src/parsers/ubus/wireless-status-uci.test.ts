import { describe, expect, it } from "vitest";
import { parseUciFile, wirelessStatusFromUci } from "@meshfleet/uci";
import { uciFixture } from "@meshfleet/uci/testing";
import { wirelessConfigFromStatus } from "./index";

describe("wirelessStatusFromUci", () => {
  it("groups interfaces under their radio like ubus network.wireless status", () => {
    const pkg = parseUciFile(uciFixture("wireless-22.03.conf"));
    const status = wirelessStatusFromUci(pkg);
    expect(status.radios.map((r) => [r.name, r.config.band, r.interfaces.map((i) => i.section)])).toEqual([
      ["radio0", "2g", ["default_radio0"]],
      ["radio1", "5g", ["default_radio1", "mesh"]],
    ]);
    const cfg = wirelessConfigFromStatus(status, { fingerprint: (s) => (s.includes("correct horse") ? "aaaaaaaaaaaaaaaa" : "bbbbbbbbbbbbbbbb") });
    expect(cfg.radios[1]).toEqual({ name: "radio1", channel: 36, band: "5g", hwmode: null, htmode: "HE80", disabled: false });
    expect(cfg.interfaces.map((i) => [i.section, i.mode, i.ssid ?? i.meshId, i.keyFingerprint])).toEqual([
      ["default_radio0", "ap", "HomeNet", "aaaaaaaaaaaaaaaa"],
      ["default_radio1", "ap", "HomeNet", "aaaaaaaaaaaaaaaa"],
      ["mesh", "mesh", "fleetmesh", "bbbbbbbbbbbbbbbb"],
    ]);
    expect(JSON.stringify(cfg)).not.toContain("correct horse");
  });
});
