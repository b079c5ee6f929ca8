import { learnedRouteReachable, type NextHop, type RetractingProtocol, type Route, type RouteTable } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { compare, int, isAddress, isPrefix, MAX_LINE, readReply, short, tokens } from "./reply";

/**
 * A route line, 1.6 or 2.x: `[prefix] <dest> [<proto> <time>[ from <addr>]][ *|!][ info]`.
 * 2.x dest is `unicast|unreachable|blackhole|prohibited|recursive` (or nothing); 1.6 dest
 * is `via <gw> on <if>|dev <if>|multipath|unreachable|…`. Info is the protocol's
 * `(pref/metric…)` with extras such as `[AS65515i]` or a Babel router id.
 */
const ROUTE = /^(\S+(?: (?:from|mpls) \S+)?)?(\s+)([^[\]]*?)\s*\[([^\s[\]]+) ([^[\]]*)\](?: ([*!]))?(.*)$/;
/** The `(pref)`, `(pref/metric)`, `(pref/-)`, `(pref/?)`, OSPF `(pref/m1/m2)`, BGP `(100s/…)`. */
const INFO = /\(-?(\d{1,10})s?(?:\/([^)\s]*))?\)/;
const ATTR = /^([A-Za-z][\w.-]*(?: [\w.-]+){0,5}):(?:\s+(.*))?$/;
const MAX_ROUTES = 65536;
const MAX_HOPS = 64;

interface Building {
  route: Route;
  attrs: Map<string, string> | null;
  order: number;
}

/** `via <gw> on <if> [mpls …] [onlink] [weight N]` or `dev <if> …`; null when not one. */
function nextHop(t: string[]): NextHop | null {
  const weightAt = t.indexOf("weight");
  const weight = weightAt < 0 ? null : int(t[weightAt + 1]);
  if (weightAt >= 0 && weight === null) return null;
  if (t[0] === "via" && t[2] === "on" && isAddress(t[1]) && short(t[3])) return { via: t[1], iface: t[3], weight };
  if (t[0] === "dev" && short(t[1])) return { via: null, iface: t[1], weight };
  return null;
}

/** The 1.6 destination text: type and first next hop. */
function dest16(t: string[]): { type: string | null; hop: NextHop | null } | null {
  if (t.length === 0) return { type: null, hop: null };
  if (t[0] === "via" || t[0] === "dev") {
    const hop = nextHop(t);
    return hop ? { type: "unicast", hop } : null;
  }
  if (t.length !== 1 || !short(t[0]) || !/^[a-z?]+$/.test(t[0])) return null;
  // 1.6 `multipath` is a unicast route whose next hops follow on `via … weight N` lines.
  return { type: t[0] === "multipath" ? "unicast" : t[0], hop: null };
}

function routeLine(text: string, table: string | null, last: Route | null): Route | null {
  const m = ROUTE.exec(text);
  if (!m) return null;
  const [, net, , destText, proto, when, flag, info] = m;
  let prefix: string;
  if (net === undefined) {
    if (!last) return null;
    prefix = last.prefix; // an alternate: BIRD leaves the prefix blank
  } else if (!net.includes(" ")) {
    if (!isPrefix(net)) return null;
    prefix = net;
  } else {
    const parts = net.split(" ");
    if (!isPrefix(parts[0])) return null;
    prefix = parts[1] === "from" && isPrefix(parts[2]) ? net : (parts[0] as string);
  }
  const dest = dest16(tokens(destText ?? ""));
  if (!dest || !short(proto)) return null;
  const since = (when !== undefined && when.includes(" from ") ? when.replace(/ from \S+$/, "") : (when ?? "")).trim();
  const i = INFO.exec(info ?? "");
  if ((info ?? "").trim() !== "" && !i) return null;
  const preference = i ? int(i[1]) : null;
  // OSPF prints `(pref/metric1/metric2)`: the first metric is the one that counts.
  const metrics = i?.[2];
  const slash = metrics === undefined ? -1 : metrics.indexOf("/");
  const metricText = metrics === undefined || slash < 0 ? metrics : metrics.slice(0, slash);
  const metric = metricText !== undefined && /^\d{1,15}$/.test(metricText) ? Number(metricText) : null;
  return {
    prefix,
    protocol: proto,
    type: dest.type,
    primary: flag !== undefined,
    preference,
    metric,
    nextHops: dest.hop ? [dest.hop] : [],
    table,
    since: short(since) ? since : null,
  };
}

/** Protocol instance name -> protocol as `show protocols` prints it (`rip1` -> `RIP`). */
export type ProtocolKinds = ReadonlyMap<string, string>;

function retracting(proto: string | undefined): RetractingProtocol | null | undefined {
  if (proto === undefined) return undefined;
  const p = proto.toLowerCase();
  return p === "rip" ? "rip" : p === "babel" ? "babel" : null;
}

/**
 * Which routing protocol a route comes from, for its reachability: `show protocols`
 * when given, else the `Type:` attribute of `show route all` (`RIP univ`, `Babel univ`),
 * else BIRD's usual instance names (`rip1`, `ripng`, `babel1`).
 */
function kindOf(r: Route, attrs: Map<string, string> | null, kinds: ProtocolKinds | undefined): RetractingProtocol | null {
  const known = retracting(r.protocol === null ? undefined : kinds?.get(r.protocol));
  if (known !== undefined) return known;
  const typed = retracting(attrs?.get("Type")?.split(" ")[0]);
  if (typed !== undefined) return typed;
  const name = (r.protocol ?? "").toLowerCase();
  return name.startsWith("rip") ? "rip" : name.startsWith("babel") ? "babel" : null;
}

/**
 * BIRD `show route` and `show route all`, 1.6 one-line form and 2.x multi-line form:
 * tables, alternates (blank prefix, no `*`), ECMP `via … weight N` lines, `(pref/metric)`,
 * `(pref)`, `(pref/?)`, dates as times, and `show route all` attribute lines
 * (`Type:`, `Babel.metric:`, `BGP.as_path:` …) into `attrs`. A `!` (kernel sync error)
 * still marks the primary route. Sorted by (table, prefix, primary first, protocol).
 * `reachable` is false for a RIP/Babel route that was retracted (type `unreachable`,
 * Babel `(1/65535)`, RIP metric 16); a kernel/static `unreachable` stays reachable.
 * `kinds` (from `show protocols`) tells which instances are RIP/Babel.
 */
export function parseBirdRoutes(text: string, kinds?: ProtocolKinds): ParseOutcome<RouteTable> {
  const reply = readReply(text);
  if (!reply.ok) return reply;
  const built: Building[] = [];
  let table: string | null = null;
  let cur: Building | null = null;
  let recognised = 0;
  let skipped = 0;
  for (const { text: t, line } of reply.lines) {
    const trimmed = t.trim();
    if (trimmed === "") continue;
    if (t.length > MAX_LINE) {
      skipped++;
      continue;
    }
    const tab = trimmed.startsWith("Table ") ? /^Table (\S{1,256}):$/.exec(trimmed) : null;
    if (tab) {
      table = tab[1] as string;
      cur = null;
      recognised++;
      continue;
    }
    if (/ routes for \d+ networks/.test(trimmed) && /^(Total: )?\d+ of \d+ routes for/.test(trimmed)) {
      recognised++;
      continue;
    }
    const indented = /^[\t ]/.test(t);
    if (indented && (trimmed.startsWith("via ") || trimmed.startsWith("dev ")) && !trimmed.includes("[")) {
      const hop = nextHop(tokens(trimmed));
      if (!cur || !hop) {
        skipped++;
        continue;
      }
      if (cur.route.nextHops.length >= MAX_HOPS) skipped++;
      else cur.route.nextHops.push(hop);
      recognised++;
      continue;
    }
    const r = routeLine(t, table, cur?.route ?? null);
    if (r) {
      if (built.length >= MAX_ROUTES) return invalid(`more than ${MAX_ROUTES} routes`, line);
      cur = { route: r, attrs: null, order: built.length };
      built.push(cur);
      recognised++;
      continue;
    }
    const a = indented ? ATTR.exec(trimmed) : null;
    if (a && cur) {
      const key = a[1] as string;
      const value = (a[2] ?? "").trim();
      cur.attrs ??= new Map();
      const prev = cur.attrs.get(key);
      cur.attrs.set(key, prev === undefined ? value : `${prev}\n${value}`);
      recognised++;
      continue;
    }
    // Something unknown at the left margin ends the current route.
    if (!indented) cur = null;
    skipped++;
  }
  if (recognised === 0 && !reply.empty) return notFormat("no BIRD route lines found", reply.lines[0]?.line ?? null);
  const routes = built
    .sort((x, y) => compare(x.route.table, y.route.table) || compare(x.route.prefix, y.route.prefix) || Number(y.route.primary) - Number(x.route.primary) || compare(x.route.protocol, y.route.protocol) || x.order - y.order)
    .map((b): Route => {
      const reachable = learnedRouteReachable(kindOf(b.route, b.attrs, kinds), b.route.type, b.route.metric);
      return b.attrs ? { ...b.route, attrs: Object.fromEntries(b.attrs), reachable } : { ...b.route, reachable };
    });
  return parsed({ routes }, skipped);
}
