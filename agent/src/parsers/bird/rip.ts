import type { RoutingInterface, RoutingInterfaces, RoutingNeighbor, RoutingNeighbors } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { compare, int, isAddress, num, short } from "./reply";
import { cell, headerWith, parseTable, type TableSpec } from "./table";

const NEIGHBOR_COLUMNS = ["IP_address", "Interface", "Metric", "Routes", "Seen"];
const INTERFACE_COLUMNS = ["Interface", "State", "Metric", "Nbrs", "Timer"];

const NEIGHBORS: TableSpec<RoutingNeighbor> = {
  what: "RIP neighbor",
  max: 4096,
  header: (t) => (headerWith(t, NEIGHBOR_COLUMNS) ? t : null),
  guess: (c) => (c.length === 5 ? NEIGHBOR_COLUMNS : null),
  row: (c, cols, protocol) => {
    if (c.length !== cols.length) return null;
    const address = cell(c, cols, "IP_address");
    const iface = cell(c, cols, "Interface");
    const metric = num(cell(c, cols, "Metric"));
    const routes = int(cell(c, cols, "Routes"));
    const seenSec = num(cell(c, cols, "Seen"));
    if (!isAddress(address) || !short(iface) || metric === null || routes === null || seenSec === null) return null;
    return { protocol, kind: "rip", address, iface, metric, routes, seenSec, helloSec: null, expiresSec: null, rttMs: null, rxcost: null, txcost: null, reach: null, auth: null };
  },
};

const INTERFACES: TableSpec<RoutingInterface> = {
  what: "RIP interface",
  max: 1024,
  header: (t) => (headerWith(t, INTERFACE_COLUMNS) ? t : null),
  guess: (c) => (c.length === 5 ? INTERFACE_COLUMNS : null),
  row: interfaceRow("Metric"),
};

/** A `show rip|babel interfaces` row (the metric column is `Metric` for RIP, `RX_cost` for Babel), or null. */
export function interfaceRow(metricColumn: string): TableSpec<RoutingInterface>["row"] {
  return (c, cols, protocol) => {
    if (c.length !== cols.length) return null;
    const iface = cell(c, cols, "Interface");
    const state = cell(c, cols, "State");
    const metric = num(cell(c, cols, metricColumn));
    const neighbors = int(cell(c, cols, "Nbrs"));
    const timerSec = num(cell(c, cols, "Timer"));
    if (!short(iface) || !short(state) || !/^(Up|Down)$/i.test(state) || metric === null || neighbors === null || timerSec === null) return null;
    return { protocol, iface, state, metric, neighbors, timerSec };
  };
}

/**
 * BIRD `show rip neighbors` (1.6 and 2.x): per instance `name:`, then
 * `IP address  Interface  Metric Routes  Seen` rows. Seen is whole seconds in 1.6 and
 * seconds with milliseconds in 2.x. An instance without neighbours has only its header.
 */
export function parseBirdRipNeighbors(text: string): ParseOutcome<RoutingNeighbors> {
  const r = parseTable(text, NEIGHBORS);
  if (!r.ok) return r;
  return { ok: true, value: { neighbors: sortNeighbors(r.value) }, skipped: r.skipped };
}

/** BIRD `show rip interfaces`: `Interface State Metric Nbrs Timer` per instance. */
export function parseBirdRipInterfaces(text: string): ParseOutcome<RoutingInterfaces> {
  const r = parseTable(text, INTERFACES);
  if (!r.ok) return r;
  return { ok: true, value: { interfaces: sortInterfaces(r.value) }, skipped: r.skipped };
}

/** Neighbours in a stable order: (protocol, address, iface). */
export function sortNeighbors(ns: RoutingNeighbor[]): RoutingNeighbor[] {
  return [...ns].sort((a, b) => compare(a.protocol, b.protocol) || compare(a.address, b.address) || compare(a.iface, b.iface));
}

export function sortInterfaces(is: RoutingInterface[]): RoutingInterface[] {
  return [...is].sort((a, b) => compare(a.protocol, b.protocol) || compare(a.iface, b.iface));
}
