import { describe, expect, it } from "vitest";
import { JOB_SCOPES, opsOutsideScope } from "@meshfleet/shared";
import { baselineWireless } from "../baseline";
import { TEMPLATE_NAMES, TEMPLATES, type NodeContext } from "./index";

const node = (release: string): NodeContext => {
  const wireless = baselineWireless(release);
  wireless.interfaces = wireless.interfaces.map((i) => ({ ...i, ssid: "HomeNet", keyFingerprint: "0123456789abcdef" }));
  return { id: "r1", release, wireless, baseline: false };
};

/** Params that make each template render every op it can. */
const FULL: Record<string, unknown[]> = {
  mesh: [{ mesh_id: "fleet", key: "mesh secret", channel: 36, htmode: "VHT80" }, { mesh_id: "fleet", key: "mesh secret", channel: 6 }],
  roaming: [{ ssid: "HomeNet", key: "correct horse", mobility_domain: "4F57", ieee80211k: true, bss_transition: false }],
  ssid: [{ ssid: "Guest", key: "guest pass" }, { ssid: "Open", encryption: "none" }],
  "routing-firewall": [{ protocol: "ripng" }, { protocol: "babel", zone: "mesh" }],
  raw: [{ ops: [{ op: "set", config: "network", section: "lan", option: "ipaddr", value: "10.0.0.1" }, { op: "delete", config: "dhcp", section: "guest" }] }],
};

describe("template scopes (what the agent accepts from each template)", () => {
  it("every template has a scope, and renders only ops inside it on old and new releases", () => {
    expect(Object.keys(JOB_SCOPES).sort()).toEqual([...TEMPLATE_NAMES].sort());
    for (const name of TEMPLATE_NAMES) {
      const t = TEMPLATES[name]!;
      for (const raw of FULL[name]!) {
        for (const release of ["19.07.10", "22.03.5"]) {
          const r = t.render(t.params.parse(raw), node(release));
          if ("skip" in r) throw new Error(`${name}: ${r.skip}`);
          expect({ name, release, outside: opsOutsideScope(name, r.ops) }).toEqual({ name, release, outside: [] });
        }
      }
    }
  });

  it("refuses what a template does not render: other packages, options, section types, hooks", () => {
    expect(opsOutsideScope("roaming", [{ op: "set", config: "system", section: "@system[0]", option: "hostname", value: "x" }])).toEqual([
      "set system.@system[0].hostname: package system is outside the roaming template",
    ]);
    expect(opsOutsideScope("ssid", [{ op: "set", config: "wireless", section: "radio0", option: "disabled", value: "1" }])).toEqual([
      "set wireless.radio0.disabled: option disabled is outside the ssid template",
    ]);
    expect(opsOutsideScope("routing-firewall", [{ op: "section", config: "firewall", section: "x", type: "include" }])).toEqual([
      "section firewall.x=include: section type include is outside the routing-firewall template",
    ]);
    expect(opsOutsideScope("ssid", [{ op: "delete", config: "wireless", section: "default_radio0" }])).toEqual(["delete wireless.default_radio0: the ssid template deletes no sections"]);
    expect(opsOutsideScope("raw", [{ op: "set", config: "firewall", section: "inc", option: "path", value: "/tmp/x.sh" }, { op: "set", config: "dhcp", section: "@dnsmasq[0]", option: "dhcpscript", value: "/tmp/x" }])).toHaveLength(2);
    expect(opsOutsideScope("raw", [{ op: "set", config: "dropbear", section: "@dropbear[0]", option: "PasswordAuth", value: "on" }])).toEqual([
      "set dropbear.@dropbear[0].PasswordAuth: package dropbear is outside the raw template",
    ]);
    expect(opsOutsideScope("toString", [{ op: "set", config: "wireless", section: "radio0", option: "channel", value: "1" }])).toEqual(['unknown template "toString"']);
  });
});
