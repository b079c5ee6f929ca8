import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { UciOp } from "@meshfleet/shared";
import { CommandUciBackend, uciBatchSteps } from "./command-backend";
import { FileUciBackend } from "./file-backend";
import { UciFileRunner } from "./uci-cli";

const ops: UciOp[] = [
  { op: "section", config: "wireless", section: "guest", type: "wifi-iface" },
  { op: "set", config: "wireless", section: "guest", option: "ssid", value: "x'; reboot; echo '$(id)" },
  { op: "set", config: "wireless", section: "guest", option: "ports", value: ["a", "b c"] },
];

describe("CommandUciBackend argv", () => {
  it("argv mode passes each value as one argv element, never through a shell", async () => {
    const root = await mkdtemp(join(tmpdir(), "mf-uci-argv-"));
    try {
      const runner = new UciFileRunner(new FileUciBackend(root));
      await new FileUciBackend(root).importText("wireless", "");
      const backend = new CommandUciBackend(runner);
      await backend.apply(ops);
      await backend.commit(["wireless"]);
      expect(runner.commands).toEqual([
        ["uci", "set", "wireless.guest=wifi-iface"],
        ["uci", "set", "wireless.guest.ssid=x'; reboot; echo '$(id)"],
        ["uci", "-q", "delete", "wireless.guest.ports"],
        ["uci", "add_list", "wireless.guest.ports=a"],
        ["uci", "add_list", "wireless.guest.ports=b c"],
        ["uci", "commit", "wireless"],
      ]);
      expect(await backend.read("wireless")).toBe("\nconfig wifi-iface 'guest'\n\toption ssid 'x'\\''; reboot; echo '\\''$(id)'\n\tlist ports 'a'\n\tlist ports 'b c'\n\n");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("batch mode quotes values as uci does and splits around ignorable deletes", () => {
    expect(uciBatchSteps(ops)).toEqual([
      { batch: "set wireless.guest='wifi-iface'\nset wireless.guest.ssid='x'\\''; reboot; echo '\\''$(id)'\n" },
      { ignoreFailure: { cmd: "delete", arg: "wireless.guest.ports", ignoreFailure: true } },
      { batch: "add_list wireless.guest.ports='a'\nadd_list wireless.guest.ports='b c'\n" },
    ]);
  });
});
