import { parseTree, type Node, type ParseError as JsonError } from "jsonc-parser";
import { BABEL_INFINITY, type RoutingNeighbor, type RoutingNeighbors } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";

/** jsonc-parser's tree reader recurses; refuse deeper nesting before parsing. */
const MAX_DEPTH = 64;

function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Every `[key, value node]` of an object node, duplicates included, in printed order. */
function properties(node: Node | undefined): [string, Node][] {
  if (node?.type !== "object") return [];
  const out: [string, Node][] = [];
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.type === "string" && typeof k.value === "string" && v) out.push([k.value, v]);
  }
  return out;
}

/** The last value of a scalar field (what `JSON.parse` would keep). */
function field(props: [string, Node][], key: string): unknown {
  let v: unknown;
  for (const [k, n] of props) if (k === key) v = n.type === "object" || n.type === "array" ? undefined : n.value;
  return v;
}

const finite = (v: unknown): number | null | undefined => (v === undefined ? null : typeof v === "number" && Number.isFinite(v) ? v : undefined);
const rtt = (v: unknown): number | null | undefined => (v === undefined ? null : typeof v === "string" && /^\d{1,9}(\.\d{1,9})?$/.test(v) ? Number(v) : typeof v === "number" ? finite(v) : undefined);

function neighbour(address: string, node: Node): RoutingNeighbor | null {
  const props = properties(node);
  if (node.type !== "object" || address.length === 0 || address.length > 256) return null;
  const dev = field(props, "dev");
  const reach = finite(field(props, "hello-reach"));
  const rxcost = finite(field(props, "rxcost"));
  const txcost = finite(field(props, "txcost"));
  const rttMs = rtt(field(props, "rtt"));
  if ((dev !== undefined && (typeof dev !== "string" || dev.length > 256)) || reach === undefined || rxcost === undefined || txcost === undefined || rttMs === undefined) return null;
  if (reach !== null && (!Number.isInteger(reach) || reach < 0 || reach > 0xffff)) return null;
  return {
    protocol: "babeld",
    kind: "babel",
    address,
    iface: typeof dev === "string" ? dev : null,
    // ubus prints no cost; babeld's cost is infinite when either side's cost is (the neighbour is lost).
    metric: (rxcost ?? 0) >= BABEL_INFINITY || (txcost ?? 0) >= BABEL_INFINITY ? BABEL_INFINITY : null,
    routes: null,
    seenSec: null,
    helloSec: null,
    expiresSec: null,
    rttMs,
    rxcost,
    txcost,
    reach: reach === null ? null : reach.toString(16).padStart(4, "0"),
    auth: null,
  };
}

/**
 * `ubus call babeld get_neighbours` (OpenWrt): `{"IPv4": {addr: {...}}, "IPv6": {...}}`
 * keyed by neighbour address. Some versions print the same link-local address twice (the
 * same neighbour on two interfaces): both entries are kept, read from jsonc-parser's
 * tree, which keeps every property. `hello-reach` is shown as babeld's dump does (`ffff`).
 * ubus gives no cost: `metric` is Babel's infinity when rx or tx cost is (a lost
 * neighbour babeld has not forgotten yet), else null.
 */
export function parseBabeldUbus(text: string): ParseOutcome<RoutingNeighbors> {
  if (text.trim() === "") return notFormat("empty input");
  if (tooDeep(text)) return notFormat(`JSON nested deeper than ${MAX_DEPTH}`);
  const errors: JsonError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || !root) return notFormat("not valid JSON", lineAt(text, errors[0]?.offset ?? 0));
  if (root.type !== "object") return notFormat("not a JSON object");
  const families = properties(root).filter(([k]) => k === "IPv4" || k === "IPv6");
  if (families.length === 0) return notFormat("no IPv4/IPv6 neighbour tables");
  const neighbors: RoutingNeighbor[] = [];
  let skipped = 0;
  for (const [, table] of families) {
    if (table.type === "array" && (table.children ?? []).length === 0) continue;
    if (table.type !== "object") {
      skipped++;
      continue;
    }
    for (const [address, n] of properties(table)) {
      const nb = neighbour(address, n);
      if (!nb) skipped++;
      else neighbors.push(nb);
    }
  }
  if (neighbors.length > 4096) return invalid("more than 4096 neighbours");
  const cmp = (a: string | null, b: string | null): number => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);
  neighbors.sort((a, b) => cmp(a.address, b.address) || cmp(a.iface, b.iface));
  return parsed({ neighbors }, skipped);
}
