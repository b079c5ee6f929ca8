import type { NeighborView, RouteView } from "../views";
import type { SimNode } from "../types";

/**
 * BIRD 2.0.x `birdc` output (captured from a real BIRD 2.0.12 with RIPng and Babel in
 * network namespaces): the `BIRD 2.0.12 ready.` greeting, then fixed printf columns
 * (`%-10s`, `%6u`, `%7t` ...) that long values push out of alignment. Times are UTC,
 * `hh:mm:ss.mmm`, or `YYYY-MM-DD hh:mm:ss.mmm` when older than 20 hours.
 */
export const BIRD_GREETING = "BIRD 2.0.12 ready.\n";

/** BIRD prints the date too once a time is older than 20 hours. */
const isLong = (ms: number, now: number): boolean => now - ms > 20 * 3_600_000;

/** `hh:mm:ss.mmm` (UTC), or `YYYY-MM-DD hh:mm:ss.mmm` when older than 20 hours. */
export function birdTime(ms: number, now: number): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDThh:mm:ss.mmmZ
  return isLong(ms, now) ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : iso.slice(11, 23);
}

const left = (s: string, w: number) => s.padEnd(w);
const right = (s: string | number, w: number) => String(s).padStart(w);
/** BIRD's `%t`: seconds with three decimals. */
const secs = (s: number) => s.toFixed(3);

/** `birdc show protocols`. */
export function renderBirdProtocols(node: SimNode, now: number): string {
  const since = birdTime(node.bootAt + 1_432, now);
  let out = BIRD_GREETING + "Name       Proto      Table      State  Since         Info\n";
  out += protocolRow("device1", "Device", "---", since);
  out += protocolRow("direct1", "Direct", "---", since);
  out += protocolRow("kernel1", "Kernel", "master6", since);
  if (node.gateway) out += protocolRow("static1", "Static", "master6", since);
  out += node.routing === "rip" ? protocolRow("rip1", "RIP", "master6", since) : protocolRow("babel1", "Babel", "---", since);
  return out;
}

function protocolRow(name: string, proto: string, table: string, since: string): string {
  return `${left(name, 10)} ${left(proto, 10)} ${left(table, 10)} ${left("up", 6)} ${left(since, 12)}  \n`;
}

/** What birdc prints (exit 1) when asked about a protocol that does not run. */
export function noProtocol(name: "RIP" | "Babel"): string {
  return `${BIRD_GREETING}There is no ${name} protocol running\n`;
}

/** `birdc show rip neighbors`. */
export function renderRipNeighbors(node: SimNode, neighbors: NeighborView[]): string {
  let out = `${BIRD_GREETING}rip1:\nIP address                Interface  Metric Routes    Seen\n`;
  for (const n of neighbors) out += `${left(n.address, 25)} ${left(n.iface, 10)} ${right(n.metric, 6)} ${right(n.routes, 6)} ${right(secs(n.seenSec), 7)}\n`;
  return out;
}

/** `birdc show rip interfaces`. */
export function renderRipInterfaces(node: SimNode, neighbors: NeighborView[], now: number): string {
  const timer = secs(((now + node.index * 977) % 30_000) / 1000);
  return `${BIRD_GREETING}rip1:\nInterface  State  Metric   Nbrs   Timer\n${left("mesh0", 10)} ${left("Up", 6)} ${right(1, 6)} ${right(neighbors.length, 6)} ${right(timer, 7)}\n`;
}

/** `birdc show babel neighbors` (BIRD 2.0.12 columns, with Auth). */
export function renderBabelNeighbors(node: SimNode, neighbors: NeighborView[]): string {
  let out = `${BIRD_GREETING}babel1:\nIP address                Interface  Metric Routes Hellos Expires Auth\n`;
  for (const n of neighbors) {
    out += `${left(n.address, 25)} ${left(n.iface, 10)} ${right(n.metric, 6)} ${right(n.routes, 6)} ${right(n.hellos, 6)} ${right(secs(n.expiresSec), 7)} ${left("No", 4)}\n`;
  }
  return out;
}

/** `birdc show route`: BIRD 2 two-line form, `Table master6:` first. */
export function renderBirdRoutes(routes: RouteView[], now: number): string {
  // Joined (one flat string): the runner keeps this text for as long as the routes stay.
  const out = [`${BIRD_GREETING}Table master6:\n`];
  for (const r of routes) {
    let info: string;
    if (r.protocol === "rip1") info = ` (${r.preference}/${r.metric ?? 0})`;
    else if (r.protocol === "babel1") info = ` (${r.preference}/${r.metric ?? 0}) [${babelId(r)}]`;
    else info = ` (${r.preference})`;
    out.push(`${left(r.prefix, 20)} unicast [${r.protocol} ${birdTime(r.since, now)}] *${info}\n`, r.via === null ? `\tdev ${r.iface}\n` : `\tvia ${r.via} on ${r.iface}\n`);
  }
  return out.join("");
}

/** True when `renderBirdRoutes(b, nowB)` prints the same text as `renderBirdRoutes(a, nowA)`. */
export function sameRouteText(a: readonly RouteView[], nowA: number, b: readonly RouteView[], nowB: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.prefix !== y.prefix ||
      x.protocol !== y.protocol ||
      x.via !== y.via ||
      x.iface !== y.iface ||
      x.preference !== y.preference ||
      x.metric !== y.metric ||
      x.since !== y.since ||
      x.routerId !== y.routerId ||
      isLong(x.since, nowA) !== isLong(y.since, nowB)
    ) {
      return false;
    }
  }
  return true;
}

function babelId(r: RouteView): string {
  const v = (r.routerId?.index ?? 0) + 1;
  const h = (x: number) => (x & 0xff).toString(16).padStart(2, "0");
  return `00:00:00:00:0a:${h(v >>> 16)}:${h(v >>> 8)}:${h(v)}`;
}
