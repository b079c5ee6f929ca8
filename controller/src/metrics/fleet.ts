import { nodeStatus } from "../nodes/status";
import type { Clock, StoreApi } from "../store/index";
import type { CollectedFamily, Registry } from "./registry";

export interface FleetMetricsOptions {
  offlineAfterIntervals?: number;
  /** Per-station signal series are exported up to this many (Prometheus cardinality). */
  maxStationSeries?: number;
}

/** Fleet gauges computed from the store at every scrape (either store). */
export function registerFleetMetrics(r: Registry, store: StoreApi, clock: Clock, o: FleetMetricsOptions = {}): void {
  const missed = o.offlineAfterIntervals ?? 3;
  const maxStations = o.maxStationSeries ?? 10_000;
  r.collect(async () => {
    const now = clock.now();
    const states = new Map((await store.telemetry.states()).map((s) => [s.nodeId, s]));
    const byStatus = { online: 0, offline: 0, unknown: 0 };
    const perNode: Record<string, { name: string; help: string; pick: (s: NonNullable<ReturnType<typeof states.get>>) => number }> = {
      stations: { name: "meshfleet_node_stations", help: "Stations in the node's latest snapshot.", pick: (s) => s.stations },
      peers: { name: "meshfleet_node_mesh_peers", help: "802.11s mesh peers in the node's latest snapshot.", pick: (s) => s.peers },
      neighbors: { name: "meshfleet_node_routing_neighbors", help: "Routing neighbours in the node's latest snapshot.", pick: (s) => s.neighbors },
      routes: { name: "meshfleet_node_routes", help: "Routes in the node's latest snapshot.", pick: (s) => s.routes },
      errors: { name: "meshfleet_node_collector_errors", help: "Collector errors in the node's latest snapshot.", pick: (s) => s.errors },
    };
    const node = ["node"] as const;
    const fams: CollectedFamily[] = Object.values(perNode).map((p) => ({ name: p.name, help: p.help, kind: "gauge", labelNames: node, samples: [] }));
    const up: CollectedFamily = { name: "meshfleet_node_up", help: "1 when the node is online (a snapshot within the offline window).", kind: "gauge", labelNames: node, samples: [] };
    const seen: CollectedFamily = { name: "meshfleet_node_last_seen_timestamp_seconds", help: "When the controller last heard from the node.", kind: "gauge", labelNames: node, samples: [] };
    const signal: CollectedFamily = { name: "meshfleet_station_signal_dbm", help: "Signal of each station in its node's latest snapshot.", kind: "gauge", labelNames: ["node", "iface", "mac"], samples: [] };
    // A station that is another fleet node (its MAC in that node's hello) is a mesh link: both names label it.
    const link: CollectedFamily = { name: "meshfleet_link_signal_dbm", help: "Signal of each mesh link as its node sees the peer node (a station whose MAC a fleet node announced).", kind: "gauge", labelNames: ["node", "peer", "iface"], samples: [] };
    const macToNode = await store.nodes.macMap();
    // The latest raw rows of the nodes whose stations fit under the cap, in one read.
    const nodes = await store.nodes.list();
    const wanted: number[] = [];
    let room = maxStations;
    for (const n of nodes) {
      const st = states.get(n.id);
      if (!st || st.stations > room) continue;
      room -= st.stations;
      wanted.push(st.rawId);
    }
    const raws = new Map((await store.telemetry.rawByIds(wanted)).map((r) => [r.id, r]));
    for (const n of nodes) {
      const st = states.get(n.id) ?? null;
      const status = nodeStatus(st, now, missed);
      byStatus[status]++;
      up.samples.push({ labels: { node: n.id }, value: status === "online" ? 1 : 0 });
      seen.samples.push({ labels: { node: n.id }, value: n.lastSeen / 1000 });
      if (!st) continue;
      Object.values(perNode).forEach((p, i) => fams[i]!.samples.push({ labels: { node: n.id }, value: p.pick(st) }));
      for (const s of raws.get(st.rawId)?.data.st ?? []) {
        if (s[2] === null) continue;
        signal.samples.push({ labels: { node: n.id, iface: s[0], mac: s[1] }, value: s[2] });
        const peer = macToNode.get(s[1].toLowerCase());
        if (peer !== undefined && peer !== n.id) link.samples.push({ labels: { node: n.id, peer, iface: s[0] }, value: s[2] });
      }
    }
    const fleet: CollectedFamily = {
      name: "meshfleet_nodes",
      help: "Nodes by status.",
      kind: "gauge",
      labelNames: ["status"],
      samples: Object.entries(byStatus).map(([status, value]) => ({ labels: { status }, value })),
    };
    const size: CollectedFamily = { name: "meshfleet_store_bytes", help: "Size of the store on disk (the SQLite file and its WAL, or the PostgreSQL database).", kind: "gauge", samples: [{ value: await store.sizeBytes() }] };
    return [fleet, up, seen, ...fams, signal, link, size];
  });
}
