/** The simulated mesh's model: nodes, radio links, client stations, sites. */

export type SimRouting = "rip" | "babel";

export interface BoardModel {
  model: string;
  boardName: string;
  target: string;
  system: string;
}

export interface SimNode {
  index: number;
  id: string;
  /** The site (one 802.11s mesh, one routing domain) the node belongs to. */
  site: number;
  /** Position within the site's list of nodes (0 = the site's gateway). */
  local: number;
  x: number;
  y: number;
  gateway: boolean;
  macs: { eth: string; ap: string; mesh: string; wan: string };
  linkLocal: { lan: string; mesh: string; wan: string };
  /** The node's LAN /64 (`fdXX:…:N::/64`) and its own address in it. */
  prefix: string;
  lanAddress: string;
  board: BoardModel;
  memTotalKb: number;
  routing: SimRouting;
  /** Mesh radio settings as the router runs them (UCI `wireless` may change them). */
  meshChannel: number;
  meshId: string;
  apChannel: number;
  /** Last boot (ms since the epoch); uptime = now - bootAt. */
  bootAt: number;
  /** Down (rebooting) during [downFrom, downUntil). */
  downFrom: number;
  downUntil: number;
  /** Link ids touching this node. */
  links: number[];
}

export interface LinkOverride {
  fromSignal: number;
  toSignal: number;
  startMs: number;
  overMs: number;
}

export interface SimLink {
  id: number;
  a: number;
  b: number;
  /** Signal from distance alone (dBm), before events and noise. */
  baseSignal: number;
  cut: boolean;
  override: LinkOverride | null;
  /** When the link was last (re)established by an event (cut/restore), for connected time and plink ids. */
  changedAt: number;
  /** Incremented on every re-establishment (new llid/plid). */
  generation: number;
}

export interface StationMove {
  at: number;
  x: number;
  y: number;
}

export interface SimStation {
  index: number;
  mac: string;
  site: number;
  homeX: number;
  homeY: number;
  /** Mobile stations circle around home with this radius (m) and period (ms). */
  radius: number;
  periodMs: number;
  phase: number;
  /** Scripted relocations (roaming events), ordered by time. */
  moves: StationMove[];
  shortGi: boolean;
}

export interface SimSite {
  index: number;
  /** Global node indexes, position = node.local. */
  nodes: number[];
  stations: number[];
  /** ULA /48 groups. */
  ula: [number, number, number];
  /** Delegated prefix of the site's uplink (DHCPv6-PD on the gateway). */
  delegated: string;
  routing: SimRouting;
  /** Bumped whenever an event changes the site's topology. */
  version: number;
}

export interface WirelessSettings {
  ssid: string;
  meshId: string;
  meshChannel: number;
  apChannel: number;
  mobilityDomain: string;
  /** Keys never leave the node except as UCI/ubus content the real router would show. */
  apKey: string;
  meshKey: string;
}
