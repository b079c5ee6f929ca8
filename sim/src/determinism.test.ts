import { describe, expect, it } from "vitest";
import { runnerContract } from "@meshfleet/agent/testing";
import { DEMO_SCENARIO } from "./scenario";
import { World } from "./world";

const COMMANDS = [
  "iw dev",
  "iw dev mesh0 station dump",
  "iw dev wlan0 station dump",
  "iw dev mesh0 mpath dump",
  "birdc show protocols",
  "birdc show babel neighbors",
  "birdc show route",
  "nft -j list ruleset",
  "ubus call system board",
  "ubus call network.wireless status",
  "ubus call network.interface dump",
  "cat /proc/uptime",
  "cat /proc/loadavg",
  "cat /proc/meminfo",
  "ip -j addr show",
  "cat /proc/sys/kernel/hostname",
];

async function transcript(seed: number, queryEvery: number): Promise<string> {
  const w = new World({ seed, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
  let out = "";
  for (let s = 0; s <= 180; s += queryEvery) {
    w.at(w.startMs + s * 1000);
    for (const id of w.nodeIds()) {
      for (const c of COMMANDS) {
        try {
          out += (await w.runnerFor(id).run(c.split(" "))).stdout;
        } catch (e) {
          out += `${id} ${(e as { code: string }).code}\n`;
        }
      }
    }
  }
  return out;
}

describe("determinism", () => {
  it("the same seed and times give byte-identical output for every command", async () => {
    const a = await transcript(7, 10);
    const b = await transcript(7, 10);
    expect(a.length).toBeGreaterThan(100_000);
    expect(a).toBe(b);
    expect(a).toContain("E_COMMAND_TIMEOUT"); // node-5's reboot is in there
  });

  it("another seed gives another mesh", async () => {
    const a = new World({ seed: 1, nodes: 5 });
    const b = new World({ seed: 2, nodes: 5 });
    const run = (w: World) => w.runnerFor("node-2").run(["iw", "dev", "mesh0", "station", "dump"]);
    expect((await run(a)).stdout).not.toBe((await run(b)).stdout);
  });

  it("asking less often does not change what is seen at a given time", async () => {
    const often = new World({ seed: 3, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
    const rarely = new World({ seed: 3, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
    for (let s = 0; s <= 100; s += 5) {
      often.at(often.startMs + s * 1000);
      await often.runnerFor("node-4").run(["iw", "dev", "wlan0", "station", "dump"]);
    }
    rarely.at(rarely.startMs + 100_000);
    const argv = ["iw", "dev", "wlan0", "station", "dump"];
    expect((await rarely.runnerFor("node-4").run(argv)).stdout).toBe((await often.runnerFor("node-4").run(argv)).stdout);
  });
});

const contractWorld = new World({ seed: 9, nodes: 3, routing: "rip" });
runnerContract("simulated", {
  make: () => contractWorld.runnerFor("node-2"),
  cases: [
    { what: "iw dev", argv: ["iw", "dev"], stdout: (s) => s.startsWith("phy#1\n\tInterface mesh0\n") && s.includes("\t\ttype mesh point\n") },
    { what: "cat /proc/sys/kernel/hostname", argv: ["cat", "/proc/sys/kernel/hostname"], stdout: "node-2\n" },
    { what: "birdc show protocols", argv: ["birdc", "show", "protocols"], stdout: (s) => s.startsWith("BIRD 2.0.12 ready.\nName       Proto") },
    { what: "a failing iw", argv: ["iw", "dev", "nope0", "station", "dump"], stdout: "", exitCode: 237 },
  ],
  timeout: null,
});
