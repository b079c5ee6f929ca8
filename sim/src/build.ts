import { ConfigError } from "@meshfleet/shared";
import { eui64Groups, formatIpv6, linkLocalFromMac, MAC_SLOT, nodeLanAddress, nodeMac, nodePrefix, stationMac, ulaGroups } from "./ids";
import { seededRandom } from "./random";
import { signalAtDistance } from "./radio";
import type { BoardModel, SimLink, SimNode, SimRouting, SimSite, SimStation, WirelessSettings } from "./types";

export interface BuildOptions {
  seed: number;
  /** How many nodes (ids `node-1`…) or the ids themselves. */
  nodes: number | readonly string[];
  /** Nodes per site (one mesh each); default: all in one site up to 40 nodes, else 25. */
  siteSize?: number;
  routing?: SimRouting;
  stationsPerNode?: number;
  /** Share of stations that move around (and so roam). */
  mobileShare?: number;
  /** Typical distance between neighbouring nodes (m); default 65, which gives interior nodes about 8 usable mesh peers. */
  spacingM?: number;
  startMs: number;
  wireless?: Partial<WirelessSettings>;
}

export interface WorldModel {
  seed: number;
  nodes: SimNode[];
  links: SimLink[];
  stations: SimStation[];
  sites: SimSite[];
  wireless: WirelessSettings;
  /** For node-pair lookups: `a*N+b` (a<b) -> link id. */
  linkIndex: Map<number, number>;
}

const BOARDS: readonly BoardModel[] = [
  { model: "GL.iNet GL-MT3000", boardName: "glinet,gl-mt3000", target: "mediatek/filogic", system: "ARMv8 Processor rev 4" },
  { model: "Linksys E8450 (UBI)", boardName: "linksys,e8450-ubi", target: "mediatek/mt7622", system: "ARMv8 Processor rev 4" },
  { model: "Ubiquiti UniFi 6 Lite", boardName: "ubnt,unifi-6-lite", target: "mediatek/mt7622", system: "ARMv8 Processor rev 4" },
  { model: "TP-Link Archer C7 v5", boardName: "tplink,archer-c7-v5", target: "ath79/generic", system: "Qualcomm Atheros QCA956X ver 1 rev 0" },
];
const MEM_KB = [245_760, 507_904, 1_011_712];
/** Candidate links are kept down to this signal so that events can move them in and out of use. */
const CANDIDATE_SIGNAL = -92;
const SITE_DISTANCE_M = 10_000;

export const DEFAULT_WIRELESS: WirelessSettings = {
  ssid: "meshfleet",
  meshId: "meshfleet-backhaul",
  meshChannel: 36,
  apChannel: 1,
  mobilityDomain: "4d46",
  apKey: "sim-ap-passphrase",
  meshKey: "sim-mesh-passphrase",
};

function nodeIds(nodes: number | readonly string[]): string[] {
  if (typeof nodes !== "number") return [...nodes];
  if (!Number.isInteger(nodes) || nodes < 1) throw new ConfigError(`nodes must be a positive integer, got ${nodes}`);
  return Array.from({ length: nodes }, (_, i) => `node-${i + 1}`);
}

/** Builds the static part of the world: positions, radios, candidate links, stations. */
export function buildWorld(o: BuildOptions): WorldModel {
  const ids = nodeIds(o.nodes);
  if (new Set(ids).size !== ids.length) throw new ConfigError("node ids must be unique");
  const n = ids.length;
  const seed = o.seed >>> 0;
  const rand = seededRandom(seed);
  const siteSize = o.siteSize ?? (n <= 40 ? n : 25);
  const spacing = o.spacingM ?? 65;
  const routing = o.routing ?? "rip";
  const wireless = { ...DEFAULT_WIRELESS, ...o.wireless };
  const siteCount = Math.ceil(n / siteSize);
  const grid = Math.ceil(Math.sqrt(siteCount));
  const sites: SimSite[] = [];
  for (let s = 0; s < siteCount; s++) {
    const ula = ulaGroups(seed, s);
    const d = formatIpv6([0x2001, 0xdb8, (seed + s * 0x100) & 0xff00, 0, 0, 0, 0, 0]);
    sites.push({ index: s, nodes: [], stations: [], ula, delegated: `${d}/56`, routing, version: 0 });
  }
  const nodes: SimNode[] = ids.map((id, i) => {
    const site = sites[Math.floor(i / siteSize)]!;
    const local = site.nodes.length;
    site.nodes.push(i);
    const perSite = Math.min(siteSize, n - site.index * siteSize);
    const cols = Math.ceil(Math.sqrt(perSite));
    const x = (site.index % grid) * SITE_DISTANCE_M + (local % cols) * spacing + (rand() - 0.5) * spacing * 0.4;
    const y = Math.floor(site.index / grid) * SITE_DISTANCE_M + Math.floor(local / cols) * spacing + (rand() - 0.5) * spacing * 0.4;
    const macs = { eth: nodeMac(seed, i, MAC_SLOT.eth), ap: nodeMac(seed, i, MAC_SLOT.ap), mesh: nodeMac(seed, i, MAC_SLOT.mesh), wan: nodeMac(seed, i, MAC_SLOT.wan) };
    const subnet = local + 1;
    const uptimeMs = Math.round((1 + rand() * 17) * 3_600_000);
    return {
      index: i,
      id,
      site: site.index,
      local,
      x,
      y,
      gateway: local === 0,
      macs,
      linkLocal: { lan: linkLocalFromMac(macs.eth), mesh: linkLocalFromMac(macs.mesh), wan: linkLocalFromMac(macs.wan) },
      prefix: nodePrefix(site.ula, subnet),
      lanAddress: nodeLanAddress(site.ula, subnet),
      board: BOARDS[Math.floor(rand() * BOARDS.length)]!,
      memTotalKb: MEM_KB[Math.floor(rand() * MEM_KB.length)]!,
      routing: site.routing,
      meshChannel: wireless.meshChannel,
      meshId: wireless.meshId,
      apChannel: wireless.apChannel,
      bootAt: o.startMs - uptimeMs,
      downFrom: 0,
      downUntil: 0,
      links: [],
    };
  });
  const { links, linkIndex } = findLinks(nodes, rand);
  const stations = placeStations(nodes, sites, seed, rand, o.stationsPerNode ?? 4, o.mobileShare ?? 0.3, spacing);
  return { seed, nodes, links, stations, sites, wireless, linkIndex };
}

/** Candidate links by a spatial grid (cells as wide as the longest link): no O(N²) scan. */
function findLinks(nodes: SimNode[], rand: () => number): { links: SimLink[]; linkIndex: Map<number, number> } {
  let range = 1;
  while (signalAtDistance(range + 1) >= CANDIDATE_SIGNAL) range++;
  const cells = new Map<string, number[]>();
  const key = (cx: number, cy: number) => `${cx},${cy}`;
  for (const nd of nodes) {
    const k = key(Math.floor(nd.x / range), Math.floor(nd.y / range));
    const list = cells.get(k);
    if (list) list.push(nd.index);
    else cells.set(k, [nd.index]);
  }
  const links: SimLink[] = [];
  const linkIndex = new Map<number, number>();
  const n = nodes.length;
  for (const a of nodes) {
    const cx = Math.floor(a.x / range);
    const cy = Math.floor(a.y / range);
    const near: number[] = [];
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) near.push(...(cells.get(key(cx + dx, cy + dy)) ?? []));
    near.sort((p, q) => p - q);
    for (const bi of near) {
      if (bi <= a.index) continue;
      const b = nodes[bi]!;
      if (b.site !== a.site) continue;
      const signal = signalAtDistance(Math.hypot(a.x - b.x, a.y - b.y)) + (rand() - 0.5) * 2;
      if (signal < CANDIDATE_SIGNAL) continue;
      const id = links.length;
      links.push({ id, a: a.index, b: bi, baseSignal: Math.round(signal * 10) / 10, cut: false, override: null, changedAt: 0, generation: 0 });
      linkIndex.set(a.index * n + bi, id);
      a.links.push(id);
      b.links.push(id);
    }
  }
  return { links, linkIndex };
}

function placeStations(nodes: SimNode[], sites: SimSite[], seed: number, rand: () => number, perNode: number, mobileShare: number, spacing: number): SimStation[] {
  const stations: SimStation[] = [];
  for (const nd of nodes) {
    for (let k = 0; k < perNode; k++) {
      const index = stations.length;
      const mobile = rand() < mobileShare;
      const angle = rand() * Math.PI * 2;
      const r = rand() * spacing * 0.3;
      stations.push({
        index,
        mac: stationMac(seed, index),
        site: nd.site,
        homeX: nd.x + Math.cos(angle) * r,
        homeY: nd.y + Math.sin(angle) * r,
        radius: mobile ? spacing * (0.6 + rand() * 0.6) : 0,
        periodMs: Math.round((4 + rand() * 8) * 60_000),
        phase: rand() * Math.PI * 2,
        moves: [],
        shortGi: rand() < 0.7,
      });
      sites[nd.site]!.stations.push(index);
    }
  }
  return stations;
}

/** The link between two nodes, if they are in range of each other. */
export function linkBetween(m: WorldModel, a: number, b: number): SimLink | undefined {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const id = m.linkIndex.get(lo * m.nodes.length + hi);
  return id === undefined ? undefined : m.links[id];
}

/** The node's global address in the site's delegated prefix (EUI-64 in the first /64). */
/** A gateway's WAN IPv4 address (DHCP from the upstream, the same documentation address on every site). */
export const WAN_IPV4 = "198.51.100.23";

export function wanGlobalAddress(m: WorldModel, node: SimNode): string {
  const site = m.sites[node.site]!;
  const base = site.delegated.split("/")[0]!.split(":").filter((g) => g !== "").map((g) => parseInt(g, 16));
  return formatIpv6([base[0] ?? 0, base[1] ?? 0, base[2] ?? 0, 0xffff, ...eui64Groups(node.macs.wan)]);
}
