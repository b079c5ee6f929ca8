import { describe, expect, it } from "vitest";
import { baselineWireless } from "./baseline";
import { unifiedDiff } from "./diff";
import { planNode, publicPlan } from "./plan";
import { TEMPLATES } from "./templates/index";

describe("planner", () => {
  it("renders per node and diffs the wireless file, keys masked", () => {
    const w = baselineWireless("22.03.5");
    w.interfaces[1] = { ...w.interfaces[1]!, ssid: "HomeNet", encryption: "psk2", keyFingerprint: "0123456789abcdef" };
    const params = TEMPLATES.roaming!.params.parse({ ssid: "HomeNet", key: "super secret", mobility_domain: "abcd" });
    const plan = publicPlan(planNode(TEMPLATES.roaming!, params, { id: "r1", release: "22.03.5", wireless: w, baseline: false }));
    expect(plan.basis).toBe("reported");
    expect(plan.error).toBeNull();
    expect(plan.commands).toContain("set wireless.default_radio1.key=********");
    expect(JSON.stringify(plan)).not.toContain("super secret");
    expect(plan.diffs).toEqual([
      {
        config: "wireless",
        diff: [
          "--- a/wireless",
          "+++ b/wireless",
          "@@ -25,4 +25,8 @@",
          " \toption ssid 'HomeNet'",
          " \toption encryption 'psk2'",
          " \toption key '********'",
          "+\toption ieee80211r '1'",
          "+\toption mobility_domain 'abcd'",
          "+\toption ft_over_ds '0'",
          "+\toption ft_psk_generate_local '1'",
          " ",
          "",
        ].join("\n"),
      },
    ]);
  });

  it("a baseline plan says so, and ops that cannot apply are reported as an error", () => {
    const raw = TEMPLATES.raw!.params.parse({ ops: [{ op: "delete", config: "wireless", section: "nosuch" }] });
    const plan = planNode(TEMPLATES.raw!, raw, { id: "r2", release: null, wireless: baselineWireless(null), baseline: true });
    expect(plan.basis).toBe("baseline");
    expect(plan.error).toBe("uci: Entry not found (wireless.nosuch)");
  });

  it("unifiedDiff: hunks with context, separate when far apart", () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n") + "\n";
    const b = a.replace("l2\n", "L2\n").replace("l17\n", "");
    expect(unifiedDiff("f", a, b)).toBe(
      ["--- a/f", "+++ b/f", "@@ -1,6 +1,6 @@", " l0", " l1", "-l2", "+L2", " l3", " l4", " l5", "@@ -15,6 +15,5 @@", " l14", " l15", " l16", "-l17", " l18", " l19", ""].join("\n"),
    );
    expect(unifiedDiff("f", a, a)).toBe("");
    expect(unifiedDiff("f", "", "x\n")).toBe(["--- a/f", "+++ b/f", "@@ -0,0 +1,1 @@", "+x", ""].join("\n"));
    expect(unifiedDiff("f", "x\ny\n", "x\n")).toBe(["--- a/f", "+++ b/f", "@@ -1,2 +1,1 @@", " x", "-y", ""].join("\n"));
  });
});
