/**
 * Addresses of simulated nodes: MACs (unique by construction), EUI-64 link-local
 * addresses, ULA prefixes. Pure functions of the node index and the world seed.
 */

/** Vendor prefixes of common OpenWrt hardware (printed lower-case, as iw does). */
const OUIS = ["94:83:c4", "e4:95:6e", "60:38:e0", "c4:e9:84"] as const;

function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, "0");
}

/** Which MAC of a node: its Ethernet/bridge, AP radio, mesh radio, WAN port. */
export const MAC_SLOT = { eth: 0, ap: 1, mesh: 2, wan: 3 } as const;
export type MacSlot = (typeof MAC_SLOT)[keyof typeof MAC_SLOT];

/** A node MAC: OUI from the seed, 22 bits of node index, 2 bits of slot (up to 4M nodes). */
export function nodeMac(seed: number, index: number, slot: MacSlot): string {
  const oui = OUIS[(seed >>> 0) % OUIS.length]!;
  // An odd multiplier plus an offset is a bijection modulo 2^22: unique per index.
  const scrambled = (Math.imul(index, 0x2c1b3) + Math.imul(seed, 0x9e3779b1)) & 0x3fffff;
  const v = (scrambled << 2) | slot;
  return `${oui}:${hex2(v >>> 16)}:${hex2(v >>> 8)}:${hex2(v)}`;
}

/** A client MAC: locally administered (randomised, like phones), unique per station index. */
export function stationMac(seed: number, index: number): string {
  const h = Math.imul(seed ^ 0x27d4eb2f, 0x165667b1) >>> 0;
  const first = ((h >>> 8) & 0xfc) | 0x02;
  return `${hex2(first)}:${hex2(h >>> 16)}:${hex2(index >>> 24)}:${hex2(index >>> 16)}:${hex2(index >>> 8)}:${hex2(index)}`;
}

/** Compresses the 8 groups of an IPv6 address the way `inet_ntop` prints it (RFC 5952). */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const left = hex.slice(0, bestStart).join(":");
  const right = hex.slice(bestStart + bestLen).join(":");
  return `${left}::${right}`;
}

/** fe80:: address from a MAC by modified EUI-64 (U/L bit flipped, ff:fe inserted). */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(":").map((x) => parseInt(x, 16));
  const g = [0xfe80, 0, 0, 0, ((b[0]! ^ 0x02) << 8) | b[1]!, (b[2]! << 8) | 0xff, 0xfe00 | b[3]!, (b[4]! << 8) | b[5]!];
  return formatIpv6(g);
}

/** The interface identifier groups (last 4) of the EUI-64 of a MAC. */
export function eui64Groups(mac: string): number[] {
  const b = mac.split(":").map((x) => parseInt(x, 16));
  return [((b[0]! ^ 0x02) << 8) | b[1]!, (b[2]! << 8) | 0xff, 0xfe00 | b[3]!, (b[4]! << 8) | b[5]!];
}

/** A site's ULA /48 as three groups (fdXX:XXXX:XXXX). */
export function ulaGroups(seed: number, site: number): [number, number, number] {
  const h = Math.imul(seed ^ 0x5bd1e995, site + 1) >>> 0;
  const h2 = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return [0xfd00 | (h & 0xff), (h >>> 8) & 0xffff, h2 & 0xffff];
}

/** The /64 a node routes for its LAN: `<site ULA>:<subnet>::/64`. */
export function nodePrefix(ula: readonly number[], subnet: number): string {
  return `${formatIpv6([ula[0]!, ula[1]!, ula[2]!, subnet & 0xffff, 0, 0, 0, 0])}/64`;
}

/** The router's own address in its LAN /64 (`::1`). */
export function nodeLanAddress(ula: readonly number[], subnet: number): string {
  return formatIpv6([ula[0]!, ula[1]!, ula[2]!, subnet & 0xffff, 0, 0, 0, 1]);
}

/** BIRD's router id as a dotted quad, unique per node index. */
export function routerId(index: number): string {
  const v = index + 1;
  return `10.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** Babel router id as BIRD prints it (`%lR`): 8 colon-separated bytes. */
export function babelRouterId(index: number): string {
  const v = index + 1;
  return `00:00:00:00:0a:${hex2(v >>> 16)}:${hex2(v >>> 8)}:${hex2(v)}`;
}
