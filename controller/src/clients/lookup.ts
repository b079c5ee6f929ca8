import type { PackedSnapshot, StoreApi } from "../store/index";

/** What the fleet knows about one client right now. */
export interface ClientSummary {
  mac: string;
  hostname: string | null;
  ip: string | null;
  /** The node and interface it is associated with now (null: not associated anywhere). */
  node: string | null;
  iface: string | null;
  band: string | null;
  signalDbm: number | null;
  /** Time of the snapshot that showed it (or its lease). */
  ts: number;
}

/** The band of an interface in a packed snapshot (radio section, else the interface's frequency). */
export function bandOf(p: PackedSnapshot, iface: string): string | null {
  const r = p.rd?.find((x) => x[0] === iface);
  if (r) return r[1];
  const f = p.wi.find((x) => x[0] === iface)?.[4] ?? null;
  if (f === null) return null;
  return f < 2500 ? "2.4" : f < 5925 ? "5" : "6";
}

/**
 * Every client the fleet knows from the nodes' latest snapshots: associated stations (not
 * mesh peers) and DHCP leases, merged by MAC (hostname and IP from the lease).
 */
export async function currentClients(store: StoreApi): Promise<Map<string, ClientSummary>> {
  const out = new Map<string, ClientSummary>();
  const leases = new Map<string, { ip: string; hostname: string | null; ts: number }>();
  for (const n of await store.nodes.list()) {
    const raw = (await store.telemetry.latest(n.id))?.raw;
    if (!raw) continue;
    for (const l of raw.data.ls ?? []) {
      const have = leases.get(l[0]);
      if (!have || have.ts < raw.ts) leases.set(l[0], { ip: l[1], hostname: l[2], ts: raw.ts });
    }
    for (const s of raw.data.st) {
      if (s[8] !== null) continue;
      const mac = s[1].toLowerCase();
      const have = out.get(mac);
      if (have && have.ts >= raw.ts) continue;
      out.set(mac, { mac, hostname: null, ip: null, node: n.id, iface: s[0], band: bandOf(raw.data, s[0]), signalDbm: s[2], ts: raw.ts });
    }
  }
  for (const [mac, l] of leases) {
    const c = out.get(mac);
    if (c) {
      c.hostname = l.hostname;
      c.ip = l.ip;
    } else out.set(mac, { mac, hostname: l.hostname, ip: l.ip, node: null, iface: null, band: null, signalDbm: null, ts: l.ts });
  }
  return out;
}

/** Clients whose MAC, hostname or IP contains `q` (case-insensitive), associated ones first. */
export async function searchClients(store: StoreApi, q: string, limit: number): Promise<ClientSummary[]> {
  const needle = q.trim().toLowerCase();
  const all = [...(await currentClients(store)).values()];
  const hit = (c: ClientSummary) => needle === "" || c.mac.includes(needle) || (c.hostname ?? "").toLowerCase().includes(needle) || (c.ip ?? "").includes(needle);
  return all
    .filter(hit)
    .sort((a, b) => Number(a.node === null) - Number(b.node === null) || (a.mac < b.mac ? -1 : 1))
    .slice(0, limit);
}
