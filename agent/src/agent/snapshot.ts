import { CAPABILITIES, ERROR_CODES, PROTOCOL_VERSION, SNAPSHOT_SECTIONS, type Hello, type HelloInterface, type Snapshot, type SnapshotSection } from "@meshfleet/shared";
import type { Collection, SectionResult } from "../collect/types";
import type { AgentMode } from "./types";

export interface SnapshotMeta {
  node: string;
  boot: string;
  seq: number;
  ts: number;
  intervalMs: number;
  dropped: number;
}

/** One cycle's collection as the wire snapshot (sections in schema order). */
export function buildSnapshot(meta: SnapshotMeta, c: Collection): Snapshot {
  const s = c.sections;
  return {
    type: "snapshot",
    v: PROTOCOL_VERSION,
    node: meta.node,
    boot: meta.boot,
    seq: meta.seq,
    ts: meta.ts,
    intervalMs: meta.intervalMs,
    dropped: meta.dropped,
    interfaces: s.interfaces,
    stations: s.stations,
    meshPaths: s.meshPaths,
    routing: s.routing,
    counters: s.counters,
    system: s.system,
    wireless: s.wireless,
    ...(s.radios ? { radios: s.radios } : {}),
    ...(s.leases ? { leases: s.leases } : {}),
  };
}

export interface HelloMeta {
  node: string;
  boot: string;
  ts: number;
  agentVersion: string;
  intervalMs: number;
  mode: AgentMode;
  tags: readonly string[];
  /** Extra capabilities (e.g. `uci-jobs` when a job handler is plugged in). */
  extraCapabilities: readonly string[];
}

/** Capabilities follow from what the last collection could read. */
export function capabilitiesOf(c: Collection | null, mode: AgentMode): string[] {
  const caps = new Set<string>();
  if (c?.sections.stations.data) caps.add(CAPABILITIES.stations);
  if (c?.sections.meshPaths.data && c.sections.meshPaths.data.paths.length > 0) caps.add(CAPABILITIES.meshPaths);
  const d = c?.sections.routing.data?.daemon;
  if (d === "bird1" || d === "bird2") caps.add(CAPABILITIES.bird);
  if (d === "babeld") caps.add(CAPABILITIES.babeld);
  if (c?.sections.counters.data) caps.add(CAPABILITIES.nft);
  if (mode === "simulated") caps.add(CAPABILITIES.simulated);
  return [...caps];
}

function kept<T>(data: T | null): SectionResult<T> {
  return { data, errors: [], skipped: 0, durationMs: 0 };
}

/**
 * What an agent keeps of its last collection between cycles: only what the hello reads
 * (interfaces, links, hostname/board/addresses, and which sections had data), so a
 * process hosting thousands of agents does not hold thousands of station and route
 * tables. `buildHello` and `capabilitiesOf` give the same answer for it as for `c`.
 */
export function helloBasis(c: Collection): Collection {
  const s = c.sections;
  const sys = s.system.data;
  const routing = s.routing.data;
  const mp = s.meshPaths.data;
  return {
    links: c.links,
    sections: {
      interfaces: kept(s.interfaces.data),
      stations: kept(s.stations.data ? { stations: [] } : null),
      meshPaths: kept(mp ? { paths: mp.paths.slice(0, 1) } : null),
      routing: kept(routing ? { daemon: routing.daemon, protocols: [], interfaces: [], neighbors: [], routes: [] } : null),
      counters: kept(s.counters.data ? { counters: [] } : null),
      system: kept(
        sys
          ? {
              hostname: sys.hostname,
              board: sys.board,
              uptimeSec: null,
              load: null,
              memory: null,
              addresses: sys.addresses.filter((a) => a.family === "inet6" && a.address.toLowerCase().startsWith("fe80")),
              delegatedPrefixes: [],
            }
          : null,
      ),
      wireless: { data: null, errors: [], skipped: 0, durationMs: 0 },
    },
  };
}

/** The hello: who this agent is, its interfaces with MACs and link-local addresses, board. */
export function buildHello(meta: HelloMeta, c: Collection | null): Hello {
  const system = c?.sections.system.data ?? null;
  const wirelessNames = new Set((c?.sections.interfaces.data?.interfaces ?? []).map((i) => i.name));
  const byName = new Map<string, HelloInterface>();
  for (const l of c?.links ?? []) {
    byName.set(l.name, { name: l.name, mac: l.mac, linkLocal: [], wireless: wirelessNames.has(l.name) });
  }
  for (const w of c?.sections.interfaces.data?.interfaces ?? []) {
    const have = byName.get(w.name);
    if (have) have.mac = have.mac ?? w.mac;
    else byName.set(w.name, { name: w.name, mac: w.mac, linkLocal: [], wireless: true });
  }
  for (const a of system?.addresses ?? []) {
    if (a.family !== "inet6" || !a.address.toLowerCase().startsWith("fe80")) continue;
    const i = byName.get(a.iface);
    if (i && i.linkLocal.length < 16) i.linkLocal.push(a.address.split("%")[0]!);
  }
  const caps = new Set([...capabilitiesOf(c, meta.mode), ...meta.extraCapabilities]);
  return {
    type: "hello",
    v: PROTOCOL_VERSION,
    node: meta.node,
    boot: meta.boot,
    ts: meta.ts,
    agentVersion: meta.agentVersion,
    protocolVersion: PROTOCOL_VERSION,
    capabilities: [...caps].sort(),
    intervalMs: meta.intervalMs,
    mode: meta.mode,
    hostname: system?.hostname ?? null,
    board: system?.board ?? null,
    interfaces: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, 256),
    tags: [...meta.tags],
  };
}

/**
 * Keeps a snapshot under the controller's message limit: while it is too big, the
 * largest section loses its data and says why (E_TOO_LARGE), so one runaway table
 * never blocks the outbox or hides the other sections.
 */
export function fitSnapshot(s: Snapshot, maxBytes: number): Uint8Array {
  const enc = new TextEncoder();
  let data = enc.encode(JSON.stringify(s));
  while (data.length > maxBytes) {
    let biggest: SnapshotSection | null = null;
    let size = 0;
    for (const k of SNAPSHOT_SECTIONS) {
      if (s[k].data === null) continue;
      const n = JSON.stringify(s[k].data).length;
      if (n > size) {
        size = n;
        biggest = k;
      }
    }
    if (biggest === null) break;
    const sec = s[biggest];
    s[biggest] = {
      ...sec,
      data: null,
      errors: [...sec.errors.slice(0, 99), { code: ERROR_CODES.tooLarge, message: `${biggest} left out: ${size} bytes would exceed the ${maxBytes}-byte message limit` }],
    } as never;
    data = enc.encode(JSON.stringify(s));
  }
  return data;
}
