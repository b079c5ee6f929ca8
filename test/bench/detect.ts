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
/** Round `r` of the detection benches' snapshots: each node its own client stations; every 10th node's first route flaps between two next hops. */
export function detectRound(ids: readonly string[], r: number, ts: number): IngestItem[] {
  return ids.map((node, i) => {
    const s = buildSnapshot({ node, seq: r, ts, profile: BENCH_PROFILE });
    s.stations.data!.stations.forEach((st, k) => (st.mac = macOf(i, 100 + k)));
    if (i % 10 === 0 && r % 2 === 0) s.routing.data!.routes[0]!.nextHops = [{ via: "fe80::2", iface: "mesh0", weight: 1 }];
    return { kind: "snapshot", msg: s };
  });
}

export default async function detectBench(args: string[]): Promise<void> {
  const nodes = Number(args[0] ?? 500);
  const rounds = Number(args[1] ?? 20);
  const dir = tempDir("mf-bench-detect-");
  const clock = new FakeClock(1_700_000_000_000);
  const store = openStore({ file: `${dir.path}/c.sqlite`, clock });
  try {
    const svc = new DetectionService({ store, clock, log: silentLogger });
    await svc.load();
    const ids = Array.from({ length: nodes }, (_, i) => `n${i}`);
    const hellos: IngestItem[] = ids.map((node, i) => ({ kind: "hello", msg: buildHello({ node, ts: clock.now(), macs: [macOf(i)], linkLocal: [`fe80::${(i + 1).toString(16)}`] }) }));
    await store.transaction(async () => {
      for (const h of hellos) if (h.kind === "hello") await store.nodes.applyHello(h.msg, clock.now());
    });
    await svc.handle(hellos);
    let total = 0;
    let ms = 0;
    for (let r = 1; r <= rounds; r++) {
      clock.advance(10_000);
      const items = detectRound(ids, r, clock.now());
      const t0 = performance.now();
      for (let k = 0; k < items.length; k += 500) await svc.handle(items.slice(k, k + 500));
      await svc.tick(clock.now());
      ms += performance.now() - t0;
      total += items.length;
    }
    const evs = await svc.repo.events({ limit: 5000 });
    const byCode: Record<string, number> = {};
    for (const e of evs) byCode[e.code] = (byCode[e.code] ?? 0) + 1;
    const open = svc.alerts.openAlerts();
    console.log(`detect: ${nodes} nodes x ${rounds} rounds = ${total} snapshots in ${(ms / 1000).toFixed(2)} s -> ${Math.round(total / (ms / 1000))} snapshots/s (${(ms / total).toFixed(3)} ms each)`);
    console.log(`detect: events stored (latest 5000 counted): ${evs.length} ${JSON.stringify(byCode)}; open alerts: ${open.length} (${[...new Set(open.map((a) => a.code))].join(", ")}); database ${((await store.sizeBytes()) / 1e6).toFixed(1)} MB`);
  } finally {
    store.close();
    dir.cleanup();
  }
}
