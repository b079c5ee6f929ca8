import { afterEach, describe, expect, it } from "vitest";
import { World } from "@meshfleet/sim";
import { SimDrive } from "./sim-drive";

describe("a quiet mesh raises no alert", () => {
  let drive: SimDrive | null = null;
  afterEach(async () => {
    drive?.close();
    drive = null;
  });

  it("30 simulated minutes of a 10-node Babel mesh with fading links at -75 to -87 dBm: no alert, every link learned and ok", { timeout: 120_000 }, async () => {
    const world = new World({ seed: 11, nodes: 10, routing: "babel", stationsPerNode: 4, fadingDb: 3 });
    drive = new SimDrive({ world });
    await drive.runFor(30 * 60_000);
    expect((await drive.service.alerts.list({ limit: 100 })).map((a) => `${a.code} ${a.subject}: ${a.summary}`)).toEqual([]);
    const health = [...drive.service.linkHealth().values()];
    expect(health.length).toBeGreaterThanOrEqual(15);
    expect(health.filter((h) => h.health !== "ok")).toEqual([]);
    const sides = health.flatMap((h) => h.sides);
    // 30 min at 10 s: 180 samples per side (a few fewer for the sides whose first cycle came late).
    expect(Math.min(...sides.map((s) => s.samples))).toBeGreaterThanOrEqual(175);
    const baselines = sides.map((s) => s.baselineSignalDbm!);
    expect(Math.max(...baselines)).toBeLessThan(-70);
    expect(Math.min(...baselines)).toBeLessThan(-84);
    expect(await drive.service.repo.events({ code: "link_degraded" })).toEqual([]);
  });
});
