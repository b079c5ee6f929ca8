import type { RoutingView, Snapshot } from "@meshfleet/shared";
import { DEFAULT_CHURN, type ChurnConfig } from "./churn-score";
import { DEFAULT_CONVERGENCE, type ConvergenceConfig } from "./convergence";
import { DEFAULT_LINK_HEALTH, stepLinks, tickLinks, type LinkHealthConfig, type LinksState } from "./link-health";
import { establishedPeers, stepMeshPeers, type MeshPeersState } from "./mesh-peers";
import { stepMeshPaths, type MeshPathsState } from "./mesh-paths";
import { stepNeighbors, type NeighborsState } from "./neighbors";
import { stepNodeSeen, tickNodes, type NodesState } from "./nodes";
import { OWNER_MEMORY_HALF_LIVES, stepOwned } from "./prefix-owner";
import { stepPrefixes, type PrefixesState } from "./prefixes";
import { stepRetractions, type RetractionsState } from "./count-to-infinity";
import { stepRoutes, type RoutesState } from "./routes";
import { DEFAULT_RADIO_HEALTH, stepRadioHealth, type RadioHealthConfig, type RadioHealthState } from "./radio-health";
import { DEFAULT_ROAM_WINDOW_MS, emptyStations, stepStations, tickStations, type StationsState } from "./stations";
import type { DetectEvent, Resolver, Step } from "./types";

export interface DetectConfig {
  churn: ChurnConfig;
  convergence: ConvergenceConfig;
  linkHealth: LinkHealthConfig;
  /** A node is offline after this many missed intervals. */
  offlineAfterIntervals: number;
  roamWindowMs: number;
  radioHealth: RadioHealthConfig;
}

export const DEFAULT_DETECT: DetectConfig = {
  churn: DEFAULT_CHURN,
  convergence: DEFAULT_CONVERGENCE,
  linkHealth: DEFAULT_LINK_HEALTH,
  offlineAfterIntervals: 3,
  roamWindowMs: DEFAULT_ROAM_WINDOW_MS,
  radioHealth: DEFAULT_RADIO_HEALTH,
};

/** Deep-ish merge of partial settings over the defaults. */
export function detectConfig(over: { [K in keyof DetectConfig]?: Partial<DetectConfig[K]> | DetectConfig[K] } = {}): DetectConfig {
  return {
    churn: { ...DEFAULT_CHURN, ...(over.churn as Partial<ChurnConfig>) },
    convergence: { ...DEFAULT_CONVERGENCE, ...(over.convergence as Partial<ConvergenceConfig>) },
    linkHealth: { ...DEFAULT_LINK_HEALTH, ...(over.linkHealth as Partial<LinkHealthConfig>) },
    offlineAfterIntervals: (over.offlineAfterIntervals as number | undefined) ?? DEFAULT_DETECT.offlineAfterIntervals,
    roamWindowMs: (over.roamWindowMs as number | undefined) ?? DEFAULT_DETECT.roamWindowMs,
    radioHealth: { ...DEFAULT_RADIO_HEALTH, ...(over.radioHealth as Partial<RadioHealthConfig>) },
  };
}

/** Which route protocol names are RIP instances: BIRD's `show protocols` says (proto `RIP`); without it, BIRD's usual names (`rip1`). */
function ripInstances(routing: RoutingView): (protocol: string | null) => boolean {
  const proto = new Map(routing.protocols.map((p) => [p.name, p.proto.toLowerCase()]));
  return (name) => name !== null && (proto.get(name) ?? name.toLowerCase()).startsWith("rip");
}

/** One node's per-section detector states (null: never observed). */
export interface NodeDetectState {
  routes: RoutesState | null;
  neighbors: NeighborsState | null;
  meshPaths: MeshPathsState | null;
  meshPeers: MeshPeersState | null;
  prefixes: PrefixesState | null;
  /** Recent withdrawals per prefix (absent in states saved before it existed). */
  retractions?: RetractionsState;
  /** When the node last held each prefix as its own (connected, or babeld's xroute); absent in older states. */
  owned?: Record<string, number>;
  /** Absent in states saved before radio health existed. */
  radios?: RadioHealthState | null;
}

export interface FleetState {
  nodes: Record<string, NodeDetectState>;
  presence: NodesState;
  stations: StationsState;
  /** Mesh links by subject (both directions folded). */
  links: LinksState;
}

export const emptyFleet = (): FleetState => ({ nodes: {}, presence: {}, stations: emptyStations(), links: {} });
const emptyNode = (): NodeDetectState => ({ routes: null, neighbors: null, meshPaths: null, meshPeers: null, prefixes: null });

/**
 * Runs every per-snapshot detector on one node's snapshot. The fleet-wide maps (nodes,
 * presence, stations) are updated in place and returned, so a step costs O(this node's
 * data) whatever the fleet size; per-node states are replaced, never mutated. A section whose collector
 * produced no data leaves that detector's state alone (a failing `birdc` is not a
 * withdrawal of every route). Events carry the snapshot's time.
 */
export function stepSnapshot(prev: FleetState, s: Snapshot, nowMs: number, resolve: Resolver, cfg: DetectConfig = DEFAULT_DETECT): Step<FleetState> {
  const events: DetectEvent[] = [];
  const { node, ts } = s;
  const presence = stepNodeSeen(prev.presence, { node, boot: s.boot, ts, seq: s.seq, intervalMs: s.intervalMs, uptimeSec: s.system.data?.uptimeSec ?? null }, nowMs);
  events.push(...presence.events);
  const n = { ...(prev.nodes[node] ?? emptyNode()) };
  const routing = s.routing.data;
  if (routing) {
    const r = stepRoutes(n.routes, routing.routes, node, ts, resolve);
    const rt = stepRetractions(n.retractions ?? {}, r.events, ts, cfg.churn, ripInstances(routing));
    const nb = stepNeighbors(n.neighbors, routing.neighbors, node, ts, resolve);
    n.routes = r.state;
    n.retractions = rt.state;
    n.owned = stepOwned(n.owned ?? {}, r.state, ts, OWNER_MEMORY_HALF_LIVES * cfg.churn.halfLifeMs);
    n.neighbors = nb.state;
    events.push(...nb.events, ...rt.events);
  }
  if (s.meshPaths.data) {
    const r = stepMeshPaths(n.meshPaths, s.meshPaths.data.paths, node, ts, resolve);
    n.meshPaths = r.state;
    events.push(...r.events);
  }
  let stations = prev.stations;
  if (s.stations.data) {
    const p = stepMeshPeers(n.meshPeers, s.stations.data.stations, node, ts, resolve);
    events.push(...p.events, ...stepLinks(prev.links, s.stations.data.stations, establishedPeers(n.meshPeers), node, ts, resolve, cfg.linkHealth));
    n.meshPeers = p.state;
    const st = stepStations(stations, s.stations.data.stations, node, ts, nowMs, cfg.roamWindowMs);
    stations = st.state;
    events.push(...st.events);
  }
  if (s.system.data) {
    const r = stepPrefixes(n.prefixes, s.system.data.delegatedPrefixes, node, ts);
    n.prefixes = r.state;
    events.push(...r.events);
  }
  if (s.radios?.data) {
    const r = stepRadioHealth(n.radios ?? null, s.radios.data.radios, node, ts, cfg.radioHealth);
    n.radios = r.state;
    events.push(...r.events);
  }
  prev.nodes[node] = n;
  return { state: { nodes: prev.nodes, presence: presence.state, stations, links: prev.links }, events };
}

/** Time passed (no snapshot needed): nodes going offline, stations that left, mesh links that stayed gone. */
export function tickFleet(prev: FleetState, nowMs: number, cfg: DetectConfig = DEFAULT_DETECT): Step<FleetState> {
  const p = tickNodes(prev.presence, nowMs, cfg.offlineAfterIntervals);
  const s = tickStations(prev.stations, nowMs, cfg.roamWindowMs);
  const l = tickLinks(prev.links, (id) => {
    const n = p.state[id];
    return n ? { online: n.online, upSince: n.upSince ?? n.lastTs, lastTs: n.lastTs } : null;
  }, nowMs, cfg.linkHealth);
  if (p.events.length === 0 && s.events.length === 0 && l.length === 0) return { state: prev, events: [] };
  return { state: { ...prev, presence: p.state, stations: s.state }, events: [...p.events, ...s.events, ...l] };
}
