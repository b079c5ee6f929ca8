import { nodeStatus } from "../api/status";
import type { Clock, Store } from "../store/index";
import type { CollectedFamily, Registry } from "./registry";

export interface FleetMetricsOptions {
  offlineAfterIntervals?: number;
  /** Per-station signal series are exported up to this many (Prometheus cardinality). */
  maxStationSeries?: number;
}

/** Fleet gauges computed from the store at every scrape. */
export function registerFleetMetrics(r: Registry, store: Store, clock: Clock, o: FleetMetricsOptions = {}): void {
  const missed = o.offlineAfterIntervals ?? 3;
  const maxStations = o.maxStationSeries ?? 10_000;
  r.collect(() => {
    const now = clock.now();
    const states = new Map(store.telemetry.states().map((s) => [s.nodeId, s]));
    const byStatus = { online: 0, offline: 0, unknown: 0 };
    const perNode: Record<string, { name: string; help: string; pick: (s: NonNullable<ReturnType<typeof states.get>>) => number }> = {
      stations: { name: "meshfleet_node_stations", help: "Stations in the node's latest snapshot.", pick: (s) => s.stations },
      peers: { name: "meshfleet_node_mesh_peers", help: "802.11s mesh peers in the node's latest snapshot.", pick: (s) => s.peers },
      neighbors: { name: "meshfleet_node_routing_neighbors", help: "Routing neighbours in the node's latest snapshot.", pick: (s) => s.neighbors },
      routes: { name: "meshfleet_node_routes", help: "Routes in the node's latest snapshot.", pick: (s) => s.routes },
      errors: { name: "meshfleet_node_collector_errors", help: "Collector errors in the node's latest snapshot.", pick: (s) => s.errors },
    };
    const fams: CollectedFamily[] = Object.values(perNode).map((p) => ({ name: p.name, help: p.help, kind: "gauge", samples: [] }));
    const up: CollectedFamily = { name: "meshfleet_node_up", help: "1 when the node is online (a snapshot within the offline window).", kind: "gauge", samples: [] };
    const seen: CollectedFamily = { name: "meshfleet_node_last_seen_timestamp_seconds", help: "When the controller last heard from the node.", kind: "gauge", samples: [] };
    const signal: CollectedFamily = { name: "meshfleet_station_signal_dbm", help: "Signal of each station in its node's latest snapshot.", kind: "gauge", samples: [] };
    for (const n of store.nodes.list()) {
      const st = states.get(n.id) ?? null;
      const status = nodeStatus(st, now, missed);
      byStatus[status]++;
      up.samples.push({ labels: { node: n.id }, value: status === "online" ? 1 : 0 });
      seen.samples.push({ labels: { node: n.id }, value: n.lastSeen / 1000 });
      if (!st) continue;
      Object.values(perNode).forEach((p, i) => fams[i]!.samples.push({ labels: { node: n.id }, value: p.pick(st) }));
      if (signal.samples.length + st.stations <= maxStations) {
        const raw = store.telemetry.rawById(st.rawId);
        for (const s of raw?.data.st ?? []) if (s[2] !== null) signal.samples.push({ labels: { node: n.id, iface: s[0], mac: s[1] }, value: s[2] });
      }
    }
    const fleet: CollectedFamily = {
      name: "meshfleet_nodes",
      help: "Nodes by status.",
      kind: "gauge",
      samples: Object.entries(byStatus).map(([status, value]) => ({ labels: { status }, value })),
    };
    const size: CollectedFamily = { name: "meshfleet_store_bytes", help: "Size of the SQLite file and its WAL.", kind: "gauge", samples: [{ value: store.sizeBytes() }] };
    return [fleet, up, seen, ...fams, signal, size];
  });
}
