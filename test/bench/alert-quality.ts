import { World, type SimRouting } from "@meshfleet/sim";
import { faultScenario, scriptFaults } from "../src/alert-quality/faults";
import { scoreAlerts } from "../src/alert-quality/score";
import { SimDrive } from "../src/alert-quality/sim-drive";

/**
 * Alert quality: simulated meshes with scripted faults (reboot, flapping route, degraded
 * link, cut link, channel change, roaming) between long quiet stretches, detection with
 * default settings driven in-process on the simulated clock. Every fault should open
 * exactly one alert on the right subject and nothing else should open: prints recall
 * and precision per world and overall (target 100 % / 100 %).
 *
 *   npm run bench -- alert-quality [--nodes 12,50] [--routing babel,rip] [--seed N] [--verbose]
 */
export default async function alertQuality(args: string[]): Promise<void> {
  const opt = (name: string, def: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : def;
  };
  const sizes = opt("nodes", "12,50").split(",").map(Number);
  const routings = opt("routing", "babel,rip").split(",") as SimRouting[];
  const seed = Number(opt("seed", "7"));
  const verbose = args.includes("--verbose");
  let faults = 0;
  let found = 0;
  let alerts = 0;
  let correct = 0;
  for (const nodes of sizes) {
    for (const routing of routings) {
      const probe = new World({ seed, nodes, routing });
      const plan = scriptFaults(probe);
      const world = new World({ seed, nodes, routing, stationsPerNode: 4, scenario: faultScenario("alert-quality", plan.faults), fadingDb: 3 });
      const drive = new SimDrive({ world });
      const t0 = performance.now();
      try {
        await drive.runUntil(world.startMs + plan.endMs);
        const all = await drive.service.alerts.list({ limit: 5000 });
        const s = scoreAlerts(plan.faults, all, world.startMs);
        faults += s.faults;
        found += s.found;
        alerts += s.alerts;
        correct += s.correct;
        const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
        console.log(
          `alert-quality: ${nodes} nodes ${routing}, ${(plan.endMs / 60_000).toFixed(0)} simulated min, ${plan.faults.length} scripted events (${s.faults} faults): recall ${pct(s.recall)} (${s.found}/${s.faults}), precision ${pct(s.precision)} (${s.correct}/${s.alerts}) [${((performance.now() - t0) / 1000).toFixed(1)} s]`,
        );
        for (const f of s.missed) console.log(`  missed: ${f.kind} at ${f.startMs / 1000} s, expected ${f.expect?.code} ${f.expect?.subject}`);
        for (const a of s.extra) console.log(`  extra:  ${a.code} ${a.subject} at ${(a.openedAt - world.startMs) / 1000} s: ${a.summary.slice(0, 200)}`);
        if (verbose) for (const f of plan.faults) console.log(`  fault:  ${f.kind} ${f.startMs / 1000}-${f.endMs / 1000} s ${JSON.stringify(f.expect)}`);
      } finally {
        drive.close();
      }
    }
  }
  const pct = (a: number, b: number) => (b === 0 ? "100.0 %" : `${((a / b) * 100).toFixed(1)} %`);
  console.log(`alert-quality: overall recall ${pct(found, faults)} (${found}/${faults}), precision ${pct(correct, alerts)} (${correct}/${alerts}); target 100 % / 100 %`);
}
