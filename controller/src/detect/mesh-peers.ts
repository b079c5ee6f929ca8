import type { Station } from "@meshfleet/shared";
import { subjectOf, type MeshPeerEvent, type Resolver, type Step } from "./types";

export interface PeerState {
  iface: string;
  plink: string | null;
}

/** Per node: mesh peers keyed by MAC. */
export type MeshPeersState = Record<string, PeerState>;

/** The peers a node listed as ESTAB (MACs, lower case). */
export function establishedPeers(s: MeshPeersState | null): string[] {
  return Object.entries(s ?? {})
    .filter(([, p]) => p.plink === "ESTAB")
    .map(([mac]) => mac);
}

/**
 * Mesh peerings on one node (the station dump's mesh peers): established / lost by plink
 * state or disappearance. Link quality is judged per link (both directions) in
 * `link-health.ts`.
 */
export function stepMeshPeers(prev: MeshPeersState | null, stations: readonly Station[], node: string, ts: number, resolve: Resolver): Step<MeshPeersState, MeshPeerEvent> {
  const next: MeshPeersState = {};
  const events: MeshPeerEvent[] = [];
  for (const s of stations) {
    if (!s.mesh) continue;
    const peer = s.mac.toLowerCase();
    const before = prev?.[peer];
    const base = { node, ts, subject: subjectOf.meshPeer(node, peer), peer, peerNode: resolve.mac(peer), iface: s.iface };
    const estab = s.mesh.plink === "ESTAB";
    if (prev !== null && estab && before?.plink !== "ESTAB") {
      events.push({ ...base, code: "mesh_peer_up", before: before ? { plink: before.plink } : null, after: { plink: "ESTAB" } });
    } else if (prev !== null && !estab && before?.plink === "ESTAB") {
      events.push({ ...base, code: "mesh_peer_down", before: { plink: "ESTAB" }, after: { plink: s.mesh.plink } });
    }
    next[peer] = { iface: s.iface, plink: s.mesh.plink };
  }
  for (const [peer, before] of Object.entries(prev ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (next[peer] || before.plink !== "ESTAB") continue;
    events.push({ node, ts, subject: subjectOf.meshPeer(node, peer), peer, peerNode: resolve.mac(peer), iface: before.iface, code: "mesh_peer_down", before: { plink: "ESTAB" }, after: null });
  }
  return { state: next, events };
}
