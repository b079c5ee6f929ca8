import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { boardInfo, hostapdClients, wirelessConfig, wirelessStatus } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { parseHostapdClients, parseUbusBoard, parseUbusWireless, redactWirelessStatus, sha256Fingerprint, wirelessConfigFromStatus } from "./index";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");
function ok<T>(r: ParseOutcome<T>, skipped = 0): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  expect(r.skipped).toBe(skipped);
  return r.value;
}
function errCode<T>(r: ParseOutcome<T>): string | null {
  return r.ok ? null : r.error.code;
}

describe("parseUbusBoard", () => {
  it("reads a current release", () => {
    const v = ok(parseUbusBoard(fixture("system-board-23.05-tabs-rootfs-type.json.txt")));
    expect(boardInfo.parse(v)).toEqual(v);
    expect(v).toEqual({
      hostname: "mesh-attic",
      model: "Linksys E8450 (UBI)",
      boardName: "linksys,e8450-ubi",
      kernel: "5.15.150",
      system: "MediaTek MT7622 ver:1 eco:5",
      release: { distribution: "OpenWrt", version: "23.05.3", revision: "r23809-234f1a2efa", target: "mediatek/mt7622", description: "OpenWrt 23.05.3 r23809-234f1a2efa" },
    });
  });

  it("unescapes slashes", () => {
    const v = ok(parseUbusBoard(fixture("system-board-19.07-escaped-slashes-8-spaces.json.txt")));
    expect(v.model).toBe("TP-Link Archer C7 v2/v3");
    expect(v.release?.target).toBe("ar71xx/generic");
  });

  it("reads an old release without board_name", () => {
    const v = ok(parseUbusBoard(fixture("system-board-15.05-no-board-name.json.txt")));
    expect(v.boardName).toBeNull();
    expect(v.release).toEqual({ distribution: "OpenWrt", version: "15.05.1", revision: "r48532", target: "ar71xx/generic", description: "OpenWrt Chaos Calmer 15.05.1 r48532" });
  });

  it("keeps a vendor fork's numeric version as text", () => {
    const v = ok(parseUbusBoard(fixture("system-board-vendor-fork-numeric-version.json.txt")));
    expect(v.release?.version).toBe("3.215");
    expect(v.boardName).toBe("glinet,gl-ar750s-nor-nand");
  });

  it("counts fields of the wrong type and rejects other JSON", () => {
    const v = ok(parseUbusBoard('{"model": ["x"], "board_name": "b", "release": "21.02"}'), 2);
    expect(v).toMatchObject({ model: null, boardName: "b", release: null, hostname: null });
    expect(errCode(parseUbusBoard('{"clients": {}}'))).toBe("E_PARSE_FORMAT");
    expect(errCode(parseUbusBoard("[1]"))).toBe("E_PARSE_FORMAT");
    expect(errCode(parseUbusBoard('{"model": "x",}'))).toBe("E_PARSE_FORMAT");
  });
});

describe("parseUbusWireless + wirelessConfigFromStatus", () => {
  it("reads the 23.05 status: 802.11r APs on both radios and an SAE mesh", () => {
    const status = ok(parseUbusWireless(fixture("network-wireless-status-23.05-ap-80211r-mesh-5g.json.txt")));
    expect(wirelessStatus.parse(status)).toEqual(status);
    expect(status.radios.map((r) => [r.name, r.up, r.disabled, r.interfaces.map((i) => i.ifname)])).toEqual([
      ["radio0", true, false, ["phy0-ap0"]],
      ["radio1", true, false, ["phy1-mesh0", "phy1-ap0"]],
    ]);
    const cfg = wirelessConfigFromStatus(status);
    expect(wirelessConfig.parse(cfg)).toEqual(cfg);
    expect(cfg.radios).toEqual([
      { name: "radio0", channel: 1, band: "2g", hwmode: null, htmode: "HE20", disabled: false },
      { name: "radio1", channel: 36, band: "5g", hwmode: null, htmode: "HE80", disabled: false },
    ]);
    const apFp = sha256Fingerprint("meshfleet-home\ncorrect horse battery");
    expect(cfg.interfaces).toEqual([
      { section: "default_radio0", ifname: "phy0-ap0", device: "radio0", mode: "ap", ssid: "meshfleet-home", meshId: null, encryption: "sae-mixed", keyFingerprint: apFp, ieee80211r: true, mobilityDomain: "4f57", ftOverDs: false, ieee80211k: true, bssTransition: true, network: "lan", disabled: null },
      { section: "default_radio1", ifname: "phy1-ap0", device: "radio1", mode: "ap", ssid: "meshfleet-home", meshId: null, encryption: "sae-mixed", keyFingerprint: apFp, ieee80211r: true, mobilityDomain: "4f57", ftOverDs: false, ieee80211k: null, bssTransition: null, network: "lan guest", disabled: null },
      { section: "mesh0", ifname: "phy1-mesh0", device: "radio1", mode: "mesh", ssid: null, meshId: "mf-backhaul", encryption: "sae", keyFingerprint: sha256Fingerprint("mf-backhaul\nmesh secret 1"), ieee80211r: null, mobilityDomain: null, ftOverDs: null, ieee80211k: null, bssTransition: null, network: "lan", disabled: null },
    ]);
    expect(apFp).toMatch(/^[0-9a-f]{16}$/);
    const json = JSON.stringify(cfg);
    expect(json).not.toContain("correct horse");
    expect(json).not.toContain("mesh secret");
  });

  it("reads the 19.07 hwmode status with duplicate keys (last value wins)", () => {
    const status = ok(parseUbusWireless(fixture("network-wireless-status-19.07-hwmode-duplicate-keys.json.txt")));
    expect(status.radios[0]?.config.noscan).toBe(true);
    const cfg = wirelessConfigFromStatus(status);
    expect(cfg.radios).toEqual([
      { name: "radio0", channel: 11, band: null, hwmode: "11g", htmode: "HT20", disabled: false },
      { name: "radio1", channel: null, band: null, hwmode: "11a", htmode: "VHT80", disabled: true },
    ]);
    expect(cfg.interfaces).toHaveLength(1);
    expect(cfg.interfaces[0]).toMatchObject({ mode: "ap", ssid: "Freifunk-Kiez", encryption: "psk2+ccmp", network: "lan", keyFingerprint: sha256Fingerprint("Freifunk-Kiez\nhunter22") });
  });

  it("reads one radio printed without its key and names it from the interface's device", () => {
    const status = ok(parseUbusWireless(fixture("network-wireless-status-radio-object-alone.json.txt")));
    expect(status.radios.map((r) => r.name)).toEqual(["radio1"]);
    const cfg = wirelessConfigFromStatus(status);
    expect(cfg.radios[0]).toEqual({ name: "radio1", channel: 44, band: "5g", hwmode: null, htmode: "VHT80", disabled: false });
    expect(cfg.interfaces[0]).toMatchObject({ mode: "mesh", meshId: "kiez-mesh", encryption: "none", keyFingerprint: null, network: "mesh" });
  });

  it("uses the injected fingerprint and drops one that is not 16 hex digits", () => {
    const status = ok(parseUbusWireless(fixture("network-wireless-status-19.07-hwmode-duplicate-keys.json.txt")));
    const seen: string[] = [];
    const cfg = wirelessConfigFromStatus(status, { fingerprint: (s) => (seen.push(s), "0123456789abcdef") });
    expect(seen).toEqual(["Freifunk-Kiez\nhunter22"]);
    expect(cfg.interfaces[0]?.keyFingerprint).toBe("0123456789abcdef");
    expect(wirelessConfigFromStatus(status, { fingerprint: () => "hunter22" }).interfaces[0]?.keyFingerprint).toBeNull();
  });

  it("redacts secrets for display", () => {
    const status = ok(parseUbusWireless(fixture("network-wireless-status-23.05-ap-80211r-mesh-5g.json.txt")));
    const shown = JSON.stringify(redactWirelessStatus(status));
    expect(shown).not.toContain("correct horse");
    expect(shown).toContain('"key":"(redacted)"');
    expect(shown).toContain('"mobility_domain":"4f57"');
  });

  it("counts non-radio entries and rejects JSON that has no radio", () => {
    const v = ok(parseUbusWireless('{"radio0": {"up": false, "config": {}, "interfaces": [1]}, "junk": 3}'), 2);
    expect(v.radios).toEqual([{ name: "radio0", up: false, disabled: null, config: {}, interfaces: [] }]);
    expect(ok(parseUbusWireless("{}")).radios).toEqual([]);
    expect(errCode(parseUbusWireless(fixture("system-board-23.05-tabs-rootfs-type.json.txt")))).toBe("E_PARSE_FORMAT");
  });
});

describe("parseHostapdClients", () => {
  it("reads clients, keeps the last of a duplicated MAC and of a duplicated key", () => {
    const v = ok(parseHostapdClients(fixture("hostapd-get-clients-he-duplicate-mac-and-key.json.txt")), 1);
    expect(hostapdClients.parse(v)).toEqual(v);
    expect(v.freqMhz).toBe(5180);
    expect(v.clients.map((c) => [c.mac, c.auth, c.assoc, c.authorized, c.signalDbm, c.rxBytes, c.txBytes])).toEqual([
      ["3c:22:fb:aa:bb:cc", true, true, true, -77, 2048, 1536],
      ["a4:83:e7:12:34:56", true, true, true, -62, 88211, 120934],
    ]);
    expect(v.clients[1]?.flags).toMatchObject({ he: true, vht: true, mfp: true, aid: 1, rate: { rx: 1200900, tx: 960700 } });
    expect(v.clients[1]?.flags).not.toHaveProperty("signal");
  });

  it("reads an AP without clients and rejects other JSON", () => {
    expect(ok(parseHostapdClients(fixture("hostapd-get-clients-none.json.txt")))).toEqual({ freqMhz: 2437, clients: [] });
    expect(errCode(parseHostapdClients(fixture("system-board-15.05-no-board-name.json.txt")))).toBe("E_PARSE_FORMAT");
    expect(errCode(parseHostapdClients('{"clients": []}'))).toBe("E_PARSE_FORMAT");
  });
});
