import type { BabelEntries, BabelEntry, RoutingInterface, RoutingInterfaces, RoutingNeighbor, RoutingNeighbors } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { compare, int, isAddress, isPrefix, num, short } from "./reply";
import { interfaceRow, sortInterfaces, sortNeighbors } from "./rip";
import { cell, headerWith, parseTable } from "./table";

/** `show babel neighbors` columns per BIRD version (multi-word titles joined by `_`). */
const NEIGHBOR_LAYOUTS: Record<number, string[]> = {
  5: ["IP_address", "Interface", "Metric", "Routes", "Next_hello"], // 1.6
  6: ["IP_address", "Interface", "Metric", "Routes", "Hellos", "Expires"], // 2.0 – 2.12
  7: ["IP_address", "Interface", "Metric", "Routes", "Hellos", "Expires", "Auth"], // 2.13
  8: ["IP_address", "Interface", "Metric", "Routes", "Hellos", "Expires", "Auth", "RTT_ms"], // 2.14+
};

function yesNo(s: string | undefined): boolean | null | undefined {
  if (s === undefined) return null;
  if (s === "Yes") return true;
  if (s === "No") return false;
  return undefined;
}

/**
 * BIRD `show babel neighbors`: 1.6 (`Next hello`), 2.0 (`Hellos Expires`), 2.13 (`Auth`)
 * and 2.14+ (`Auth RTT (ms)`). `Hellos` (hellos heard of the last 16) becomes
 * `reach: "N/16"`; `Next hello` (1.6) becomes `helloSec`.
 */
export function parseBirdBabelNeighbors(text: string): ParseOutcome<RoutingNeighbors> {
  const r = parseTable<RoutingNeighbor>(text, {
    what: "Babel neighbor",
    max: 4096,
    header: (t) => (headerWith(t, ["IP_address", "Interface", "Metric", "Routes"]) && t.length >= 5 && (t.includes("Hellos") || t.includes("Next_hello")) ? t : null),
    guess: (c) => NEIGHBOR_LAYOUTS[c.length] ?? null,
    row: (c, cols, protocol) => {
      if (c.length !== cols.length) return null;
      const address = cell(c, cols, "IP_address");
      const iface = cell(c, cols, "Interface");
      const metric = num(cell(c, cols, "Metric"));
      const routes = int(cell(c, cols, "Routes"));
      const hellos = cell(c, cols, "Hellos");
      const hellosN = hellos === undefined ? null : int(hellos);
      const expires = cell(c, cols, "Expires");
      const expiresSec = expires === undefined ? null : num(expires);
      const next = cell(c, cols, "Next_hello");
      const helloSec = next === undefined ? null : num(next);
      const rtt = cell(c, cols, "RTT_ms");
      const rttMs = rtt === undefined ? null : num(rtt);
      const auth = yesNo(cell(c, cols, "Auth"));
      if (!isAddress(address) || !short(iface) || metric === null || routes === null || auth === undefined) return null;
      if ((hellos !== undefined && hellosN === null) || (expires !== undefined && expiresSec === null) || (next !== undefined && helloSec === null) || (rtt !== undefined && rttMs === null)) return null;
      return {
        protocol,
        kind: "babel",
        address,
        iface,
        metric,
        routes,
        seenSec: null,
        helloSec,
        expiresSec,
        rttMs,
        rxcost: null,
        txcost: null,
        reach: hellosN === null ? null : `${hellosN}/16`,
        auth,
      };
    },
  });
  if (!r.ok) return r;
  return { ok: true, value: { neighbors: sortNeighbors(r.value) }, skipped: r.skipped };
}

const INTERFACE_LAYOUTS: Record<number, string[]> = {
  5: ["Interface", "State", "RX_cost", "Nbrs", "Timer"], // 1.6
  7: ["Interface", "State", "RX_cost", "Nbrs", "Timer", "Next_hop_v4", "Next_hop_v6"], // 2.0 – 2.12
  8: ["Interface", "State", "Auth", "RX_cost", "Nbrs", "Timer", "Next_hop_v4", "Next_hop_v6"], // 2.13+
};

/** BIRD `show babel interfaces` (1.6, 2.x, 2.13+ with `Auth`): RX cost is the metric. */
export function parseBirdBabelInterfaces(text: string): ParseOutcome<RoutingInterfaces> {
  const r = parseTable<RoutingInterface>(text, {
    what: "Babel interface",
    max: 1024,
    header: (t) => (t[0] === "Interface" && t[1] === "State" && t.includes("RX_cost") ? t : null),
    guess: (c) => INTERFACE_LAYOUTS[c.length] ?? null,
    row: interfaceRow("RX_cost"),
  });
  if (!r.ok) return r;
  return { ok: true, value: { interfaces: sortInterfaces(r.value) }, skipped: r.skipped };
}

const ENTRIES = ["Prefix", "Router_ID", "Metric", "Seqno", "Routes", "Sources"]; // 2.x
const ENTRIES_16 = ["Prefix", "Router_ID", "Metric", "Seqno", "Expires", "Sources"]; // 1.6
const ROUTES = ["Prefix", "Nexthop", "Interface", "Metric", "F", "Seqno", "Expires"];

/** Source-specific (SADR) prefixes print as `dst from src`: one cell. */
function joinFrom(c: string[]): string[] {
  return c[1] === "from" && c.length >= 3 ? [`${c[0] as string} from ${c[2] as string}`, ...c.slice(3)] : c;
}

function prefixOk(p: string | undefined): p is string {
  if (p === undefined) return false;
  const parts = p.split(" from ");
  return p.length <= 256 && parts.length <= 2 && parts.every((x) => isPrefix(x));
}

const dash = (s: string | undefined, f: (x: string | undefined) => number | null): number | null | undefined => (s === "-" ? null : (f(s) ?? undefined));

function entryRow(c0: string[], cols: string[], protocol: string): BabelEntry | null {
  const c = joinFrom(c0);
  const prefix = c[0];
  if (!prefixOk(prefix)) return null;
  const base = { protocol, prefix, nexthop: null, iface: null, feasible: null, selected: null };
  if (c[1] === "<pending>" && c.length === 3) {
    const sources = int(c[2]);
    return sources === null ? null : { ...base, routerId: null, metric: null, seqno: null, expiresSec: null, routes: null, sources };
  }
  if (c.length !== cols.length) return null;
  const rid = cell(c, cols, "Router_ID");
  const metric = dash(cell(c, cols, "Metric"), num);
  const seqno = dash(cell(c, cols, "Seqno"), int);
  const routesCell = cell(c, cols, "Routes");
  const routes = routesCell === undefined ? null : int(routesCell);
  const expiresCell = cell(c, cols, "Expires");
  const expiresSec = expiresCell === undefined ? null : num(expiresCell);
  const sources = int(cell(c, cols, "Sources"));
  if (!short(rid) || metric === undefined || seqno === undefined || sources === null) return null;
  if ((routesCell !== undefined && routes === null) || (expiresCell !== undefined && expiresSec === null)) return null;
  return { ...base, routerId: rid === "<none>" ? null : rid, metric, seqno, expiresSec, routes, sources };
}

function routeRow(c0: string[], cols: string[], protocol: string): BabelEntry | null {
  let c = joinFrom(c0);
  // The F column is a blank for a route that is neither selected nor feasible.
  if (c.length === cols.length - 1) c = [...c.slice(0, 4), " ", ...c.slice(4)];
  if (c.length !== cols.length) return null;
  const prefix = c[0];
  const nexthop = cell(c, cols, "Nexthop");
  const iface = cell(c, cols, "Interface");
  const metric = num(cell(c, cols, "Metric"));
  const f = cell(c, cols, "F");
  const seqno = int(cell(c, cols, "Seqno"));
  const expiresSec = num(cell(c, cols, "Expires"));
  if (!prefixOk(prefix) || !isAddress(nexthop) || !short(iface) || metric === null || seqno === null || expiresSec === null) return null;
  if (f !== "*" && f !== "+" && f !== " ") return null;
  return {
    protocol,
    prefix,
    routerId: null,
    nexthop,
    iface,
    metric,
    seqno,
    // `*` is the selected route (BIRD does not print its feasibility), `+` feasible, blank neither.
    feasible: f === "*" ? null : f === "+",
    expiresSec,
    selected: f === "*",
    routes: null,
    sources: null,
  };
}

/**
 * BIRD `show babel entries` (2.x: `Prefix Router ID Metric Seqno Routes Sources`; 1.6:
 * `… Expires Sources` and `<pending>` rows) and `show babel routes`
 * (`Prefix Nexthop Interface Metric F Seqno Expires`). Sorted by (protocol, prefix,
 * selected first, nexthop, iface).
 */
export function parseBirdBabelEntries(text: string): ParseOutcome<BabelEntries> {
  const r = parseTable<BabelEntry>(text, {
    what: "Babel entry",
    max: 16384,
    header: (t) => (headerWith(t, ROUTES) ? ROUTES : headerWith(t, ENTRIES) ? ENTRIES : headerWith(t, ENTRIES_16) ? ENTRIES_16 : null),
    guess: (c0) => {
      const c = joinFrom(c0);
      if (c.length === 7) return ROUTES;
      if (c.length === 3 && c[1] === "<pending>") return ENTRIES_16;
      if (c.length === 6) return /^(-|\d+)$/.test(c[2] ?? "") ? ENTRIES : ROUTES;
      return null;
    },
    row: (c, cols, protocol) => (cols === ROUTES ? routeRow(c, cols, protocol) : entryRow(c, cols, protocol)),
  });
  if (!r.ok) return r;
  const entries = [...r.value].sort(
    (a, b) =>
      compare(a.protocol, b.protocol) ||
      compare(a.prefix, b.prefix) ||
      Number(b.selected === true) - Number(a.selected === true) ||
      compare(a.nexthop, b.nexthop) ||
      compare(a.iface, b.iface),
  );
  return { ok: true, value: { entries }, skipped: r.skipped };
}
