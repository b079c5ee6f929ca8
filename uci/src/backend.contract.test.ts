import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UciOp } from "@meshfleet/shared";
import type { UciBackend } from "./backend";
import { CommandUciBackend } from "./command-backend";
import { FileUciBackend } from "./file-backend";
import { UciFileRunner } from "./uci-cli";

/**
 * One contract suite for every UciBackend. The CommandUciBackend runs against
 * UciFileRunner, an emulation of the `uci` command line over a FileUciBackend: there is
 * no `uci` binary on the machines that run these tests (OpenWrt's libuci is not packaged
 * for Debian), and the emulator fails on any command it does not know, so the argv the
 * backend builds is checked as well as its effect on the files.
 */

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", name), "utf8");

interface Setup {
  name: string;
  make(root: string): { backend: UciBackend; runner?: UciFileRunner };
}

const SETUPS: Setup[] = [
  { name: "FileUciBackend", make: (root) => ({ backend: new FileUciBackend(root) }) },
  ...(["argv", "batch"] as const).map((mode) => ({
    name: `CommandUciBackend (${mode}) over the uci emulator`,
    make: (root: string) => {
      const runner = new UciFileRunner(new FileUciBackend(root));
      return { backend: new CommandUciBackend(runner, { mode }), runner };
    },
  })),
];

describe.each(SETUPS)("UciBackend contract: $name", (setup) => {
  let root: string;
  let backend: UciBackend;
  let runner: UciFileRunner | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "mf-uci-"));
    await writeFile(join(root, "wireless"), fixture("wireless-22.03.conf"));
    await writeFile(join(root, "firewall"), fixture("firewall-22.03.conf"));
    ({ backend, runner } = setup.make(root));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads committed files; a missing config is null", async () => {
    expect(await backend.read("wireless")).toBe(fixture("wireless-22.03.conf"));
    expect(await backend.read("nosuchconfig")).toBeNull();
  });

  it("apply stages, commit writes what uci commit writes", async () => {
    const ops: UciOp[] = [
      { op: "set", config: "wireless", section: "default_radio1", option: "ieee80211r", value: "1" },
      { op: "set", config: "wireless", section: "default_radio1", option: "mobility_domain", value: "4f57" },
      { op: "set", config: "wireless", section: "@wifi-iface[-1]", option: "mesh_id", value: "newmesh" },
      { op: "delete", config: "wireless", section: "radio0", option: "cell_density" },
      { op: "section", config: "wireless", section: "guest", type: "wifi-iface" },
      { op: "set", config: "wireless", section: "guest", option: "ssid", value: "it's $(reboot); `id` \"q\"" },
    ];
    await backend.apply(ops);
    expect(await backend.read("wireless")).toBe(fixture("wireless-22.03.conf"));
    await backend.commit(["wireless"]);
    const text = await backend.read("wireless");
    expect(text).toContain("config wifi-iface 'default_radio1'\n\toption device 'radio1'\n\toption network 'lan'\n\toption mode 'ap'\n\toption ssid 'HomeNet'\n\toption encryption 'sae-mixed'\n\toption key 'correct horse'\n\toption ieee80211r '1'\n\toption mobility_domain '4f57'\n\n");
    expect(text).toContain("\toption mesh_id 'newmesh'\n");
    expect(text).not.toContain("cell_density '0'\n\n\tconfig wifi-iface 'default_radio0'");
    expect(text!.match(/cell_density/g)).toHaveLength(1);
    expect(text!.endsWith("config wifi-iface 'guest'\n\toption ssid 'it'\\''s $(reboot); `id` \"q\"'\n\n")).toBe(true);
  });

  it("lists: set replaces the whole list, add_list appends, del_list removes", async () => {
    await backend.apply([
      { op: "section", config: "firewall", section: "mf_ripng", type: "rule" },
      { op: "set", config: "firewall", section: "mf_ripng", option: "proto", value: ["udp"] },
      { op: "set", config: "firewall", section: "mf_ripng", option: "src_ip", value: ["fe80::/10", "fd00::/8"] },
      { op: "del_list", config: "firewall", section: "mf_ripng", option: "src_ip", value: "fd00::/8" },
      { op: "add_list", config: "firewall", section: "@zone[0]", option: "network", value: "mesh" },
      { op: "set", config: "firewall", section: "@rule[1]", option: "icmp_type", value: ["echo-request"] },
    ]);
    await backend.commit(["firewall"]);
    const text = (await backend.read("firewall"))!;
    expect(text).toContain("config rule 'mf_ripng'\n\tlist proto 'udp'\n\tlist src_ip 'fe80::/10'\n\n");
    expect(text).toContain("\toption name 'lan'\n\tlist network 'lan'\n\tlist network 'mesh'\n");
    expect(text).toContain("\toption proto 'icmp'\n\toption limit '1000/sec'\n\toption family 'ipv6'\n\toption target 'ACCEPT'\n\tlist icmp_type 'echo-request'\n\n");
  });

  it("a failing op (missing section or option) stages nothing and throws E_UCI", async () => {
    const bad: UciOp[] = [
      { op: "set", config: "wireless", section: "radio0", option: "channel", value: "6" },
      { op: "delete", config: "wireless", section: "radio0", option: "nosuchoption" },
    ];
    await expect(backend.apply(bad)).rejects.toMatchObject({ code: "E_UCI" });
    await backend.commit(["wireless"]);
    expect(await backend.read("wireless")).toBe(fixture("wireless-22.03.conf"));
    await expect(backend.apply([{ op: "set", config: "wireless", section: "nosuch", option: "x", value: "1" }])).rejects.toMatchObject({ code: "E_UCI" });
  });

  it("revert drops staged changes", async () => {
    await backend.apply([{ op: "set", config: "wireless", section: "radio1", option: "channel", value: "44" }]);
    await backend.revert(["wireless"]);
    await backend.commit(["wireless"]);
    expect(await backend.read("wireless")).toBe(fixture("wireless-22.03.conf"));
  });

  it("snapshot + restore brings committed files back exactly, and removes a config that did not exist", async () => {
    const snap = await backend.snapshot(["wireless", "firewall", "dhcp"]);
    expect(snap.configs.dhcp).toBeNull();
    await backend.apply([
      { op: "set", config: "wireless", section: "radio1", option: "channel", value: "100" },
      { op: "delete", config: "firewall", section: "@rule[0]" },
    ]);
    await backend.commit(["wireless", "firewall"]);
    await writeFile(join(root, "dhcp"), "\nconfig dnsmasq\n\toption domain 'lan'\n\n");
    expect(await backend.read("wireless")).toContain("option channel '100'");
    await backend.restore(snap);
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(fixture("wireless-22.03.conf"));
    expect(await readFile(join(root, "firewall"), "utf8")).toBe(fixture("firewall-22.03.conf"));
    expect(await backend.read("dhcp")).toBeNull();
  });

  it("values are never interpreted: quotes, ;, $(…), backticks, backslashes come back literally", async () => {
    const nasty = ["a'b", "'; reboot; '", "$(rm -rf /)", "`id`", 'x"y', "\\'", "semi;colon", "#hash", " lead"];
    await backend.apply(nasty.map((value, i) => ({ op: "set" as const, config: "wireless", section: "radio0", option: `t${i}`, value })));
    await backend.commit(["wireless"]);
    const verify = new FileUciBackend(root);
    const pkg = (await verify.load("wireless"))!;
    const radio0 = pkg.sections.find((s) => s.name === "radio0")!;
    nasty.forEach((v, i) => expect(radio0.items.find((it) => it.kind === "option" && it.name === `t${i}`)).toMatchObject({ value: v }));
    if (runner) {
      // Every command was uci/cat argv: nothing went through a shell.
      expect(runner.commands.every((c) => c[0] === "uci" || c[0] === "cat")).toBe(true);
    }
  });
});
