import type { Station } from "@meshfleet/shared";
import { subjectOf, type MeshPeerEvent, type PeerQuality, type Resolver, type Step } from "./types";

export interface LinkQualityConfig {
  /** A peer is weak below this signal (dBm). */
  minSignalDbm: number;
  /** ... or below this expected throughput (Mbit/s). */
  minExpectedThroughputMbps: number;
  /** Weak for at least this long (ms) before `link_degraded`. */
  toleranceMs: number;
}

export const DEFAULT_LINK_QUALITY: LinkQualityConfig = { minSignalDbm: -80, minExpectedThroughputMbps: 10, toleranceMs: 60_000 };

export interface PeerState {
  iface: string;
  plink: string | null;
  quality: PeerQuality;
  /** First observation of the current weak stretch, or null. */
  weakSince: number | null;
  degraded: boolean;
}

/** Per node: mesh peers keyed by MAC. */
export type MeshPeersState = Record<string, PeerState>;

function weak(q: PeerQuality, c: LinkQualityConfig): boolean {
  return (q.signalDbm !== null && q.signalDbm < c.minSignalDbm) || (q.expectedThroughputMbps !== null && q.expectedThroughputMbps < c.minExpectedThroughputMbps);
}

/**
 * Mesh peer links on one node (the station dump's mesh peers): established / lost by
 * plink state, degraded / recovered when signal or expected throughput stays below the
 * thresholds for the tolerance window. First observation: baseline (a weak stretch
 * starts counting).
 */
export function stepMeshPeers(prev: MeshPeersState | null, stations: readonly Station[], node: string, ts: number, resolve: Resolver, cfg: LinkQualityConfig = DEFAULT_LINK_QUALITY): Step<MeshPeersState, MeshPeerEvent> {
  const next: MeshPeersState = {};
  const events: MeshPeerEvent[] = [];
  for (const s of stations) {
    if (!s.mesh) continue;
    const peer = s.mac.toLowerCase();
    const before = prev?.[peer];
    const quality: PeerQuality = { signalDbm: s.signalAvgDbm ?? s.signalDbm, expectedThroughputMbps: s.expectedThroughputMbps };
    const isWeak = weak(quality, cfg);
    const weakSince = isWeak ? (before?.weakSince ?? ts) : null;
    let degraded = before?.degraded ?? false;
    const base = { node, ts, subject: subjectOf.meshPeer(node, peer), peer, peerNode: resolve.mac(peer), iface: s.iface };
    const estab = s.mesh.plink === "ESTAB";
    if (prev !== null && estab && before?.plink !== "ESTAB") {
      events.push({ ...base, code: "mesh_peer_up", before: before ? { plink: before.plink } : null, after: { plink: "ESTAB" } });
    } else if (prev !== null && !estab && before?.plink === "ESTAB") {
      events.push({ ...base, code: "mesh_peer_down", before: { plink: "ESTAB" }, after: { plink: s.mesh.plink } });
    }
    if (!degraded && weakSince !== null && ts - weakSince >= cfg.toleranceMs) {
      degraded = true;
      events.push({ ...base, code: "link_degraded", before: before?.quality ?? quality, after: quality, sinceTs: weakSince });
    } else if (degraded && !isWeak) {
      degraded = false;
      events.push({ ...base, code: "link_recovered", before: before?.quality ?? quality, after: quality });
    }
    next[peer] = { iface: s.iface, plink: s.mesh.plink, quality, weakSince, degraded };
  }
  for (const [peer, before] of Object.entries(prev ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (next[peer] || before.plink !== "ESTAB") continue;
    events.push({ node, ts, subject: subjectOf.meshPeer(node, peer), peer, peerNode: resolve.mac(peer), iface: before.iface, code: "mesh_peer_down", before: { plink: "ESTAB" }, after: null });
  }
  return { state: next, events };
}
