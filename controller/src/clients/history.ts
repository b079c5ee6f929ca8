import type { StoreApi } from "../store/index";
import type { DetectRepository } from "../detect/repo";
import type { StoredEvent } from "../detect/churn-score";
import { bandOf, currentClients, type ClientSummary } from "./lookup";

export interface ClientSample {
  ts: number;
  node: string;
  iface: string;
  band: string | null;
  signalDbm: number | null;
  txMbps: number | null;
  rxMbps: number | null;
}

/** A stretch of time on one AP (node + interface). */
export interface ClientSegment {
  node: string;
  iface: string;
  band: string | null;
  from: number;
  to: number;
}

export interface ClientRoam {
  ts: number;
  from: string;
  to: string;
  fromIface: string;
  toIface: string;
  gapMs: number;
}

export interface ClientHistory {
  mac: string;
  now: ClientSummary | null;
  hostname: string | null;
  ip: string | null;
  firstSeen: number | null;
  lastSeen: number | null;
  from: number;
  to: number;
  segments: ClientSegment[];
  roams: ClientRoam[];
  samples: ClientSample[];
  truncated: boolean;
}

const MAX_SAMPLES = 5000;

/**
 * One client's story over [from, to): where it was (node, interface, band) and its signal
 * and rates from every snapshot of the nodes it was seen on, each roam with its gap (the
 * detection's `station_roamed` events), hostname and IP from the DHCP leases, first and
 * last seen.
 */
export async function clientHistory(store: StoreApi, events: DetectRepository, mac: string, from: number, to: number): Promise<ClientHistory> {
  const subject = `station:${mac}`;
  const evs = await events.events({ subject, since: from, until: to, limit: 5000 });
  const now = (await currentClients(store)).get(mac) ?? null;
  const nodes = new Set<string>();
  if (now?.node) nodes.add(now.node);
  for (const e of evs) {
    nodes.add(e.node);
    const b = e.before as { node?: string } | null;
    if (b?.node) nodes.add(b.node);
  }
  // The node it was on when the window started (its last event before `from`).
  const [earlier] = await events.events({ subject, until: from, limit: 1 });
  if (earlier && earlier.code !== "station_left") nodes.add(earlier.node);
  const samples: ClientSample[] = [];
  let hostname = now?.hostname ?? null;
  let ip = now?.ip ?? null;
  let truncated = false;
  for (const node of [...nodes].sort()) {
    for (const r of await store.telemetry.range(node, from, to)) {
      const s = r.data.st.find((x) => x[1].toLowerCase() === mac && x[8] === null);
      if (s) {
        if (samples.length >= MAX_SAMPLES) truncated = true;
        else samples.push({ ts: r.ts, node, iface: s[0], band: bandOf(r.data, s[0]), signalDbm: s[2], txMbps: s[4], rxMbps: s[5] });
      }
      if (hostname === null && ip === null) {
        const l = r.data.ls?.find((x) => x[0] === mac);
        if (l) [ip, hostname] = [l[1], l[2]];
      }
    }
  }
  samples.sort((a, b) => a.ts - b.ts || (a.node < b.node ? -1 : 1));
  const segments: ClientSegment[] = [];
  for (const s of samples) {
    const last = segments[segments.length - 1];
    if (last && last.node === s.node && last.iface === s.iface) last.to = s.ts;
    else segments.push({ node: s.node, iface: s.iface, band: s.band, from: s.ts, to: s.ts });
  }
  const roams: ClientRoam[] = evs
    .filter((e): e is Extract<StoredEvent, { code: "station_roamed" }> => e.code === "station_roamed")
    .map((e) => ({ ts: e.ts, from: e.before.node, to: e.after.node, fromIface: e.before.iface, toIface: e.after.iface, gapMs: e.gapMs }))
    .sort((a, b) => a.ts - b.ts);
  const first = await events.events({ subject, code: "station_associated", limit: 5000 });
  const seen = [...samples.map((s) => s.ts), ...evs.map((e) => e.ts), ...first.map((e) => e.ts)];
  return {
    mac,
    now,
    hostname,
    ip,
    firstSeen: seen.length ? Math.min(...seen) : null,
    lastSeen: samples.length ? samples[samples.length - 1]!.ts : (now?.node ? now.ts : null),
    from,
    to,
    segments,
    roams,
    samples,
    truncated,
  };
}
