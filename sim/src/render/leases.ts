import type { SimNode, SimStation } from "../types";
import type { WorldModel } from "../build";

const NAMES = ["pixel-7", "iPhone", "laptop-ana", "tv-livingroom", "printer-hall", "thermostat", "galaxy-s23", "MacBook-Air", "kindle", "desktop-ben", "ipad-kids", "doorbell"];

/** The simulated hostname and IPv4 address of a station (what its DHCP lease says). */
export function stationIdentity(m: WorldModel, s: SimStation): { hostname: string | null; ip: string } {
  const site = m.sites[s.site]!;
  const k = site.stations.indexOf(s.index);
  // Every seventh device sends no hostname, as some IoT clients do.
  const hostname = s.index % 7 === 6 ? null : `${NAMES[s.index % NAMES.length]}-${s.index}`;
  return { hostname, ip: `10.${(s.site >> 8) & 255}.${s.site & 255}.${10 + (k % 240)}` };
}

/**
 * dnsmasq's `/tmp/dhcp.leases` on a site's gateway (the DHCP server of the mesh): one
 * 12-hour lease per station of the site, renewed at half time.
 */
export function renderLeases(m: WorldModel, gateway: SimNode, t: number): string {
  const site = m.sites[gateway.site]!;
  const nowSec = Math.floor(t / 1000);
  let out = "";
  for (const si of site.stations) {
    const s = m.stations[si]!;
    const id = stationIdentity(m, s);
    const phase = (si * 3571) % 21_600;
    const expires = nowSec - ((nowSec + phase) % 21_600) + 43_200;
    out += `${expires} ${s.mac} ${id.ip} ${id.hostname ?? "*"} 01:${s.mac}\n`;
  }
  return out;
}
