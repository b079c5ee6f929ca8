import { World } from "@meshfleet/agent/sim";
import { SimDrive } from "./src/alert-quality/sim-drive";
const world = new World({ seed: 3, nodes: Number(process.argv[2] ?? 12), routing: "babel", stationsPerNode: 4 });
const d = new SimDrive({ world });
const t0 = performance.now();
await d.runFor(Number(process.argv[3] ?? 600_000));
console.log("ms", Math.round(performance.now() - t0));
for (const a of d.service.alerts.list({ limit: 100 }).reverse()) console.log(((a.openedAt - world.startMs)/1000).toFixed(0), a.resolvedAt ? ((a.resolvedAt - world.startMs)/1000).toFixed(0) : "open", a.code, a.subject, a.summary.slice(0, 200));
d.close();
