import { DetectionService, FakeClock, openStore, silentLogger, type IngestItem } from "@meshfleet/controller";
import { BENCH_PROFILE, buildHello, buildSnapshot, macOf } from "@meshfleet/controller/testing";
import { tempDir } from "@meshfleet/testkit";

/**
 * Detection benchmark: N nodes (default 500) send R rounds (default 20) of snapshots
 * (the ingest's bench profile: 20 stations, 10 mesh paths, 20 routes, 2 neighbours, 10
 * counters), fed to the DetectionService in ingest-sized batches (500) on a real SQLite
 * file. 1 node in 10 has a flapping default route, so events, scores and alerts are
 * written too. Prints snapshots/s and the events and alerts produced.
 *
 *   npm run bench -- detect [nodes] [rounds]
 */
export default async function detectBench(args: string[]): Promise<void> {
  const nodes = Number(args[0] ?? 500);
  const rounds = Number(args[1] ?? 20);
  const dir = tempDir("mf-bench-detect-");
  const clock = new FakeClock(1_700_000_000_000);
  const store = openStore({ file: `${dir.path}/c.sqlite`, clock });
  try {
    const svc = new DetectionService({ store, clock, log: silentLogger });
    svc.load();
    const ids = Array.from({ length: nodes }, (_, i) => `n${i}`);
    const hellos: IngestItem[] = ids.map((node, i) => ({ kind: "hello", msg: buildHello({ node, ts: clock.now(), macs: [macOf(i)], linkLocal: [`fe80::${(i + 1).toString(16)}`] }) }));
    store.transaction(() => hellos.forEach((h) => h.kind === "hello" && store.nodes.applyHello(h.msg, clock.now())));
    svc.handle(hellos);
    let total = 0;
    let ms = 0;
    for (let r = 1; r <= rounds; r++) {
      clock.advance(10_000);
      const items: IngestItem[] = ids.map((node, i) => {
        const s = buildSnapshot({ node, seq: r, ts: clock.now(), profile: BENCH_PROFILE });
        // Each node its own client stations; every 10th node's first route flaps between two next hops.
        s.stations.data!.stations.forEach((st, k) => (st.mac = macOf(i, 100 + k)));
        if (i % 10 === 0 && r % 2 === 0) s.routing.data!.routes[0]!.nextHops = [{ via: "fe80::2", iface: "mesh0", weight: 1 }];
        return { kind: "snapshot", msg: s };
      });
      const t0 = performance.now();
      for (let k = 0; k < items.length; k += 500) svc.handle(items.slice(k, k + 500));
      svc.tick(clock.now());
      ms += performance.now() - t0;
      total += items.length;
    }
    const evs = svc.repo.events({ limit: 5000 });
    const byCode: Record<string, number> = {};
    for (const e of evs) byCode[e.code] = (byCode[e.code] ?? 0) + 1;
    const open = svc.alerts.openAlerts();
    console.log(`detect: ${nodes} nodes x ${rounds} rounds = ${total} snapshots in ${(ms / 1000).toFixed(2)} s -> ${Math.round(total / (ms / 1000))} snapshots/s (${(ms / total).toFixed(3)} ms each)`);
    console.log(`detect: events stored (latest 5000 counted): ${evs.length} ${JSON.stringify(byCode)}; open alerts: ${open.length} (${[...new Set(open.map((a) => a.code))].join(", ")}); database ${(store.sizeBytes() / 1e6).toFixed(1)} MB`);
  } finally {
    store.close();
    dir.cleanup();
  }
}
