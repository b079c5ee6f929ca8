import { describe, expect, it } from "vitest";
import { World } from "./world";

const COMMANDS = [
  "iw dev",
  "iw dev mesh0 station dump",
  "iw dev wlan0 station dump",
  "iw dev mesh0 mpath dump",
  "birdc show protocols",
  "birdc show rip neighbors",
  "birdc show rip interfaces",
  "birdc show babel neighbors",
  "birdc show route",
  "nft -j list ruleset",
  "ubus call system board",
  "ubus call network.wireless status",
  "ubus call network.interface dump",
  "cat /proc/uptime",
  "ip -j addr show",
].map((c) => c.split(" "));

async function answer(run: () => Promise<{ stdout: string; exitCode: number }>): Promise<string> {
  try {
    const r = await run();
    return `${r.exitCode} ${r.stdout}`;
  } catch (e) {
    return `rejected ${(e as { code?: string }).code ?? String(e)}`;
  }
}

describe("simulated runner caches", () => {
  for (const routing of ["rip", "babel"] as const) {
    it(`${routing}: a long-lived runner prints what a new runner prints, across events and the 20-hour date switch`, async () => {
      const w = new World({ seed: 31, nodes: 12, routing, stationsPerNode: 2 });
      const ids = w.nodeIds();
      const l = w.model.links[0]!;
      const [a, b] = [w.model.nodes[l.a]!.id, w.model.nodes[l.b]!.id];
      w.schedule(
        { type: "cutLink", atMs: 40_000, a, b },
        { type: "restoreLink", atMs: 90_000, a, b },
        { type: "rebootNode", atMs: 120_000, node: ids[3]!, downMs: 30_000 },
        { type: "flapRoute", atMs: 60_000, node: ids[5]!, prefix: "::/0", periodMs: 15_000, count: 4 },
        { type: "setChannel", atMs: 200_000, node: ids[7]!, channel: 44 },
      );
      const kept = ids.map((id) => w.runnerFor(id));
      // Every 10 s for 5 minutes, then around the moment route times switch to dates.
      const times = [...Array.from({ length: 31 }, (_, i) => i * 10_000), ...Array.from({ length: 12 }, (_, i) => 20 * 3_600_000 - 60_000 + i * 10_000)];
      let compared = 0;
      let dated = 0;
      for (const s of times) {
        w.at(w.startMs + s);
        for (let i = 0; i < ids.length; i++) {
          const fresh = w.runnerFor(ids[i]!);
          for (const argv of COMMANDS) {
            const got = await answer(() => kept[i]!.run(argv));
            expect(got).toBe(await answer(() => fresh.run(argv)));
            if (/\[(?:rip1|babel1) \d{4}-\d\d-\d\d /.test(got)) dated++;
            compared++;
          }
        }
      }
      expect(compared).toBe(times.length * ids.length * COMMANDS.length);
      expect(dated).toBeGreaterThan(0);
    });
  }
});
