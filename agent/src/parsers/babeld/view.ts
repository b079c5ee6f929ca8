import { BABEL_INFINITY, type Route, type RoutingInterface, type RoutingNeighbor, type RoutingView } from "@meshfleet/shared";
import type { BabeldDump } from "./dump";

const cmp = (a: string | null, b: string | null): number => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);
const DEFAULT_SOURCE = new Set(["::/0", "0.0.0.0/0"]);

/**
 * babeld's dump as the routing view every daemon shares: interfaces (Up/Down, with the
 * number of neighbours seen on each), neighbours (cost as metric, rx/tx cost, RTT, hello
 * history as `reach`) and learned routes (the installed one is primary; a source-specific
 * route's prefix reads `dst from src`). A route at metric 0xFFFF was retracted: babeld
 * keeps it `installed yes` (the kernel holds an `unreachable` route) until it expires, so
 * it is listed with `reachable: false`. Exported xroutes are the node's own prefixes
 * (redistributed connected/kernel routes): listed as `originated` routes without a next
 * hop, primary unless babeld also installed a learned route for the same prefix.
 */
export function babeldToRoutingView(dump: BabeldDump): RoutingView {
  const routesVia = (address: string, iface: string | null): number => dump.routes.filter((r) => r.via === address && r.iface === iface).length;
  const neighbors: RoutingNeighbor[] = dump.neighbours.slice(0, 4096).map((n) => ({
    protocol: "babeld",
    kind: "babel",
    address: n.address,
    iface: n.iface,
    metric: n.cost,
    routes: routesVia(n.address, n.iface),
    seenSec: null,
    helloSec: null,
    expiresSec: null,
    rttMs: n.rttMs,
    rxcost: n.rxcost,
    txcost: n.txcost,
    reach: n.reach,
    auth: null,
  }));
  const interfaces: RoutingInterface[] = dump.interfaces.slice(0, 1024).map((i) => ({
    protocol: "babeld",
    iface: i.name,
    state: i.up === null ? null : i.up ? "Up" : "Down",
    metric: null,
    neighbors: dump.neighbours.filter((n) => n.iface === i.name).length,
    timerSec: null,
  }));
  const routes: Route[] = dump.routes.slice(0, 65536).map((r) => {
    const specific = r.from !== null && !DEFAULT_SOURCE.has(r.from) && r.prefix.length + r.from.length < 250;
    return {
      prefix: specific ? `${r.prefix} from ${r.from as string}` : r.prefix,
      protocol: "babeld",
      type: "unicast",
      primary: r.installed === true,
      preference: null,
      metric: r.metric,
      nextHops: r.via === null && r.iface === null ? [] : [{ via: r.via, iface: r.iface, weight: null }],
      table: null,
      since: null,
      reachable: r.metric === null || r.metric < BABEL_INFINITY,
    };
  });
  const installed = new Set(routes.filter((r) => r.primary).map((r) => r.prefix));
  for (const x of dump.xroutes.slice(0, Math.max(0, 65536 - routes.length))) {
    const specific = x.from !== null && !DEFAULT_SOURCE.has(x.from) && x.prefix.length + x.from.length < 250;
    const prefix = specific ? `${x.prefix} from ${x.from as string}` : x.prefix;
    routes.push({ prefix, protocol: "babeld", type: "unicast", primary: !installed.has(prefix), preference: null, metric: x.metric, nextHops: [], table: null, since: null, reachable: true, originated: true });
  }
  routes.sort((a, b) => cmp(a.prefix, b.prefix) || Number(b.primary) - Number(a.primary) || cmp(a.nextHops[0]?.via ?? null, b.nextHops[0]?.via ?? null) || cmp(a.nextHops[0]?.iface ?? null, b.nextHops[0]?.iface ?? null));
  neighbors.sort((a, b) => cmp(a.address, b.address) || cmp(a.iface, b.iface));
  return { daemon: "babeld", protocols: [], interfaces, neighbors, routes };
}
