import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { parseUciFile, optionValue } from "@meshfleet/uci";
import { peerViews } from "./views";
import { World } from "./world";

describe("per-node UCI files", () => {
  const dirs: { cleanup: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

  function world() {
    const d = tempDir("mf-sim-uci-");
    dirs.push(d);
    return { w: new World({ seed: 42, nodes: 9, routing: "babel", configRoot: d.path }), root: d.path };
  }

  it("writes wireless, network and firewall from the world", () => {
    const { w, root } = world();
    const wireless = parseUciFile(readFileSync(join(root, "node-2", "wireless"), "utf8"));
    const mesh = wireless.sections.find((s) => s.name === "mesh")!;
    expect([optionValue(mesh, "mode"), optionValue(mesh, "mesh_id"), optionValue(mesh, "device")]).toEqual(["mesh", "meshfleet-backhaul", "radio1"]);
    expect(optionValue(wireless.sections.find((s) => s.name === "radio1")!, "channel")).toBe("36");
    const ap = wireless.sections.find((s) => s.name === "default_radio0")!;
    expect([optionValue(ap, "ssid"), optionValue(ap, "mobility_domain"), optionValue(ap, "ieee80211r")]).toEqual(["meshfleet", "4d46", "1"]);
    const fw = parseUciFile(readFileSync(join(root, "node-2", "firewall"), "utf8"));
    const rule = fw.sections.find((s) => s.type === "rule" && optionValue(s, "name") === "Allow-Babel")!;
    expect([optionValue(rule, "dest_port"), optionValue(rule, "src_ip")]).toEqual(["6696", ["fe80::/10"]]);
    expect(w.configs).toHaveLength(9);
  });

  it("a job moving node-5's mesh radio to channel 44 cuts its mesh links; moving it back restores them", async () => {
    const { w } = world();
    const r = w.runnerFor("node-5");
    const n5 = w.node("node-5");
    expect(peerViews(w, n5).length).toBeGreaterThanOrEqual(4);
    for (const argv of [["uci", "set", "wireless.radio1.channel=44"], ["uci", "commit", "wireless"], ["wifi", "reload"]]) {
      expect((await r.run(argv)).exitCode).toBe(0);
    }
    expect(n5.meshChannel).toBe(44);
    expect(peerViews(w, n5)).toEqual([]);
    expect(peerViews(w, w.node("node-4")).map((p) => p.peer.id)).not.toContain("node-5");
    expect((await r.run(["iw", "dev"])).stdout).toContain("channel 44 (5220 MHz), width: 80 MHz, center1: 5210 MHz");
    expect((await r.run(["ubus", "call", "network.wireless", "status"])).stdout).toContain('"channel": "44"');
    expect((await r.run(["cat", "/etc/config/wireless"])).stdout).toContain("option channel '44'");

    await r.run(["uci", "set", "wireless.radio1.channel=36"]);
    await r.run(["uci", "commit", "wireless"]);
    await r.run(["wifi", "reload"]);
    expect(peerViews(w, n5).length).toBeGreaterThanOrEqual(4);
  });

  it("the setChannel event rewrites the node's wireless file", () => {
    const { w, root } = world();
    w.schedule({ type: "setChannel", atMs: 1000, node: "node-3", channel: 149 });
    w.advance(2000);
    const wireless = parseUciFile(readFileSync(join(root, "node-3", "wireless"), "utf8"));
    expect(optionValue(wireless.sections.find((s) => s.name === "radio1")!, "channel")).toBe("149");
    expect(peerViews(w, w.node("node-3"))).toEqual([]);
  });
});
