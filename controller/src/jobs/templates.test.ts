import { describe, expect, it } from "vitest";
import type { WirelessConfig } from "@meshfleet/shared";
import { baselineWireless } from "./baseline";
import { usesBand } from "./release";
import { validateJobRequest } from "./spec";
import { TEMPLATES, type NodeContext } from "./templates/index";

const ctx = (release: string | null, wireless: WirelessConfig = baselineWireless(release)): NodeContext => ({ id: "r1", release, wireless, baseline: false });
const fleet = [
  { id: "r1", tags: ["home"] },
  { id: "r2", tags: [] },
];
const roaming = { ssid: "HomeNet", key: "correct horse", mobility_domain: "4F57", ieee80211k: true };

describe("release differences", () => {
  it("hwmode before 21.02, band from 21.02 on (and for snapshots and unknown releases)", () => {
    expect(["19.07.10", "OpenWrt 19.07.10", "OpenWrt 18.06.9", "21.01.0"].map(usesBand)).toEqual([false, false, false, false]);
    expect(["21.02.0", "OpenWrt 22.03.5", "OpenWrt 23.05-SNAPSHOT", "OpenWrt SNAPSHOT", null].map(usesBand)).toEqual([true, true, true, true, true]);
  });
});

describe("job templates", () => {
  it("roaming: 802.11r on every AP iface of the SSID, same ssid/key, mobility domain lower-cased", () => {
    const w = baselineWireless("22.03.5");
    w.interfaces = w.interfaces.map((i) => ({ ...i, ssid: "HomeNet" }));
    w.interfaces.push({ ...w.interfaces[0]!, section: "guest", ssid: "Guest" });
    const v = validateJobRequest({ template: "roaming", params: roaming, target: "all" }, fleet);
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const r = TEMPLATES.roaming!.render(v.value.params as never, ctx("22.03.5", w));
    if ("skip" in r) throw new Error(r.skip);
    expect(r.reloads).toEqual(["wifi"]);
    expect(r.ops.filter((o) => o.op === "set" && o.section === "default_radio1").map((o) => (o.op === "set" ? `${o.option}=${String(o.value)}` : ""))).toEqual([
      "ssid=HomeNet",
      "encryption=psk2",
      "key=correct horse",
      "ieee80211r=1",
      "mobility_domain=4f57",
      "ft_over_ds=0",
      "ft_psk_generate_local=1",
      "ieee80211k=1",
    ]);
    expect(new Set(r.ops.map((o) => o.section))).toEqual(new Set(["default_radio0", "default_radio1"]));
    expect(TEMPLATES.roaming!.render(v.value.params as never, ctx("22.03.5"))).toEqual({ skip: 'no AP interface with SSID "HomeNet"' });
  });

  it("lists every problem with its path", () => {
    const v = validateJobRequest({ template: "roaming", params: { ssid: "", key: "short", mobility_domain: "4f5" }, target: "r1,nosuch", rollout: { canary: -1 } }, fleet);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.issues.map((i) => i.path).sort()).toEqual(["params.key", "params.mobility_domain", "params.ssid", "rollout.canary"]);
    const v2 = validateJobRequest({ template: "roaming", params: roaming, target: "r1,nosuch" }, fleet);
    expect(v2).toEqual({ ok: false, issues: [{ path: "target", message: "unknown node(s): nosuch" }] });
    const typo = validateJobRequest({ template: "roaming", params: { ...roaming, mobilty_domain: "1234" }, target: "all" }, fleet);
    expect(typo.ok ? [] : typo.issues.map((i) => i.path)).toEqual(["params"]);
    expect(validateJobRequest({ template: "ssid", params: { ssid: "x" }, target: "tag:office" }, fleet)).toEqual({
      ok: false,
      issues: [
        { path: "params.key", message: "encryption psk2 needs a key" },
        { path: "target", message: "no node has tag office" },
      ],
    });
  });

  it("refuses newlines and control characters in values, accepts quotes, ; and $(…) literally", () => {
    const bad = validateJobRequest({ template: "ssid", params: { ssid: "a\nb", key: "k\u0000eyeyeyey" }, target: "all" }, fleet);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.path)).toEqual(["params.ssid", "params.key"]);
    const ok = validateJobRequest({ template: "ssid", params: { ssid: "it's;$(reboot)", key: "'; reboot; '`id`" }, target: "all" }, fleet);
    expect(ok.ok).toBe(true);
  });

  it("mesh: refuses DFS channels unless forced, writes hwmode before 21.02 and band after", () => {
    const dfs = validateJobRequest({ template: "mesh", params: { mesh_id: "m", key: "meshkey123", channel: 100 }, target: "all" }, fleet);
    expect(dfs.ok ? [] : dfs.issues).toEqual([
      { path: "params.channel", message: "channel 100 is a DFS channel (52–144): mesh nodes drop out when radar is detected; use a non-DFS channel or set force" },
    ]);
    expect(validateJobRequest({ template: "mesh", params: { mesh_id: "m", key: "meshkey123", channel: 100, force: true }, target: "all" }, fleet).ok).toBe(true);
    const long = validateJobRequest({ template: "mesh", params: { mesh_id: "m", key: "x".repeat(64), channel: 36 }, target: "all" }, fleet);
    expect(long.ok ? [] : long.issues.map((i) => i.path)).toEqual(["params.key"]);
    const p = TEMPLATES.mesh!.params.parse({ mesh_id: "fleet", key: "meshkey123", channel: 44, htmode: "VHT80" });
    const old = TEMPLATES.mesh!.render(p as never, ctx("19.07.10"));
    const cur = TEMPLATES.mesh!.render(p as never, ctx("23.05.2"));
    if ("skip" in old || "skip" in cur) throw new Error("skipped");
    expect(old.ops.slice(0, 2)).toEqual([
      { op: "set", config: "wireless", section: "radio1", option: "channel", value: "44" },
      { op: "set", config: "wireless", section: "radio1", option: "hwmode", value: "11a" },
    ]);
    expect(cur.ops[1]).toEqual({ op: "set", config: "wireless", section: "radio1", option: "band", value: "5g" });
    expect(cur.ops.slice(3)).toContainEqual({ op: "set", config: "wireless", section: "mesh", option: "mode", value: "mesh" });
  });

  it("routing-firewall: the fw4 rule for RIPng or Babel from fe80::/10", () => {
    const r = TEMPLATES["routing-firewall"]!.render(TEMPLATES["routing-firewall"]!.params.parse({ protocol: "babel" }) as never, ctx(null));
    if ("skip" in r) throw new Error("skipped");
    expect(r.reloads).toEqual(["firewall"]);
    expect(r.ops).toEqual([
      { op: "section", config: "firewall", section: "meshfleet_babel", type: "rule" },
      { op: "set", config: "firewall", section: "meshfleet_babel", option: "name", value: "Allow-Babel" },
      { op: "set", config: "firewall", section: "meshfleet_babel", option: "family", value: "ipv6" },
      { op: "set", config: "firewall", section: "meshfleet_babel", option: "proto", value: ["udp"] },
      { op: "set", config: "firewall", section: "meshfleet_babel", option: "src", value: "wan" },
      { op: "set", config: "firewall", section: "meshfleet_babel", option: "src_ip", value: ["fe80::/10"] },
      { op: "set", config: "firewall", section: "meshfleet_babel", option: "dest_port", value: "6696" },
      { op: "set", config: "firewall", section: "meshfleet_babel", option: "target", value: "ACCEPT" },
    ]);
  });
});
