import { invalid, lines, notFormat, parsed, type ParseOutcome } from "../types";

export type BabeldKind = "add" | "change" | "flush";
export type BabeldObject = "interface" | "neighbour" | "route" | "xroute";

export interface BabeldInterface {
  name: string;
  up: boolean | null;
  ipv6: string | null;
  ipv4: string | null;
}
export interface BabeldNeighbour {
  /** babeld's identifier (the neighbour's address in its memory, hex). */
  id: string;
  address: string;
  iface: string | null;
  /** Multicast hello history, 16 bits as babeld prints them (`ffff`). */
  reach: string | null;
  /** Unicast hello history (babeld ≥ 1.8.1). */
  ureach: string | null;
  rxcost: number | null;
  txcost: number | null;
  cost: number | null;
  rttMs: number | null;
  rttcost: number | null;
}
export interface BabeldRoute {
  id: string;
  prefix: string;
  /** Source prefix of a source-specific route (`::/0` for an ordinary one); null when not printed. */
  from: string | null;
  installed: boolean | null;
  routerId: string | null;
  metric: number | null;
  refmetric: number | null;
  via: string | null;
  iface: string | null;
}
export interface BabeldXroute {
  id: string;
  prefix: string;
  from: string | null;
  metric: number | null;
}
/** One `add|change|flush` line, in the order printed (a `monitor` stream is a list of these). */
export interface BabeldEvent {
  line: number;
  kind: BabeldKind;
  object: BabeldObject;
  id: string;
}
/** What babeld's local interface told: the state after applying every line, and the lines as events. */
export interface BabeldDump {
  interfaces: BabeldInterface[];
  neighbours: BabeldNeighbour[];
  routes: BabeldRoute[];
  xroutes: BabeldXroute[];
  events: BabeldEvent[];
  /** From the `BABEL 1.0` greeting (`version`, `host`, `my-id`), null when absent. */
  info: { version: string | null; host: string | null; myId: string | null };
}

const MAX_EVENTS = 100_000;
const TOKEN = /^[\x21-\x7e]{1,256}$/;

const text = (kv: Map<string, string>, k: string): string | null => kv.get(k) ?? null;
function number(kv: Map<string, string>, k: string): number | null | undefined {
  const v = kv.get(k);
  if (v === undefined) return null;
  return /^-?\d{1,12}(\.\d{1,9})?$/.test(v) ? Number(v) : undefined;
}
function yes(kv: Map<string, string>, k: string): boolean | null | undefined {
  const v = kv.get(k);
  if (v === undefined) return null;
  if (v === "yes" || v === "true") return true;
  if (v === "no" || v === "false") return false;
  return undefined;
}

/** Key/value pairs after the id; null when they do not pair up or a token is not printable. */
function pairs(t: string[]): Map<string, string> | null {
  if (t.length % 2 !== 0) return null;
  const kv = new Map<string, string>();
  for (let i = 0; i < t.length; i += 2) kv.set(t[i] as string, t[i + 1] as string);
  return kv;
}

function neighbour(id: string, kv: Map<string, string>): BabeldNeighbour | null {
  const address = text(kv, "address");
  const n = { rxcost: number(kv, "rxcost"), txcost: number(kv, "txcost"), cost: number(kv, "cost"), rttMs: number(kv, "rtt"), rttcost: number(kv, "rttcost") };
  if (address === null || Object.values(n).some((v) => v === undefined)) return null;
  const hex = (k: string): string | null | undefined => {
    const v = kv.get(k);
    return v === undefined ? null : /^[0-9a-fA-F]{1,8}$/.test(v) ? v.toLowerCase() : undefined;
  };
  const reach = hex("reach");
  const ureach = hex("ureach");
  if (reach === undefined || ureach === undefined) return null;
  return { id, address, iface: text(kv, "if"), reach, ureach, ...(n as { [K in keyof typeof n]: number | null }) };
}

function route(id: string, kv: Map<string, string>): BabeldRoute | null {
  const prefix = text(kv, "prefix");
  const installed = yes(kv, "installed");
  const metric = number(kv, "metric");
  const refmetric = number(kv, "refmetric");
  if (prefix === null || installed === undefined || metric === undefined || refmetric === undefined) return null;
  return { id, prefix, from: text(kv, "from"), installed, routerId: text(kv, "id"), metric, refmetric, via: text(kv, "via"), iface: text(kv, "if") };
}

function xroute(id: string, kv: Map<string, string>): BabeldXroute | null {
  const prefix = text(kv, "prefix");
  const metric = number(kv, "metric");
  if (prefix === null || metric === undefined) return null;
  return { id, prefix, from: text(kv, "from"), metric };
}

function iface(id: string, kv: Map<string, string>): BabeldInterface | null {
  const up = yes(kv, "up");
  if (up === undefined) return null;
  return { name: id, up, ipv6: text(kv, "ipv6"), ipv4: text(kv, "ipv4") };
}

const cmp = (a: string | null, b: string | null): number => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);

/**
 * babeld's local interface (`babeld -G port` / unix socket): the `BABEL 1.0` greeting,
 * `dump` and `monitor` lines `add|change|flush interface|neighbour|route|xroute <id> key value…`
 * (babeld 1.5 to 1.14: with or without `ureach`, `rtt`/`rttcost`, `from`; 1.5's
 * `add self <host> id <id>`), and the `ok`/`no`/`bad`/`done` replies. Lines apply in order:
 * `add`/`change` set an object, `flush` removes it. Unknown lines are skipped and counted.
 */
export function parseBabeldDump(input: string): ParseOutcome<BabeldDump> {
  const maps = { interface: new Map<string, BabeldInterface>(), neighbour: new Map<string, BabeldNeighbour>(), route: new Map<string, BabeldRoute>(), xroute: new Map<string, BabeldXroute>() };
  const events: BabeldEvent[] = [];
  const info: BabeldDump["info"] = { version: null, host: null, myId: null };
  let recognised = 0;
  let skipped = 0;
  const all = lines(input);
  for (let i = 0; i < all.length; i++) {
    const raw = (all[i] as string).trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const t = raw.length > 2048 ? [] : raw.split(/\s+/);
    if (!t.every((x) => TOKEN.test(x))) {
      skipped++;
      continue;
    }
    const [w0, w1, w2] = t;
    if ((w0 === "BABEL" && t.length === 2) || (t.length === 1 && (w0 === "ok" || w0 === "done" || w0 === "bad")) || w0 === "no") {
      recognised++;
      continue;
    }
    if (t.length === 2 && (w0 === "version" || w0 === "host" || w0 === "my-id")) {
      if (w0 === "version") info.version = w1 as string;
      else if (w0 === "host") info.host = w1 as string;
      else info.myId = w1 as string;
      recognised++;
      continue;
    }
    if (w0 === "add" && w1 === "self" && t.length === 5 && t[3] === "id") {
      info.host = w2 as string;
      info.myId = t[4] as string;
      recognised++;
      continue;
    }
    if ((w0 !== "add" && w0 !== "change" && w0 !== "flush") || (w1 !== "interface" && w1 !== "neighbour" && w1 !== "route" && w1 !== "xroute") || w2 === undefined) {
      skipped++;
      continue;
    }
    const kind: BabeldKind = w0;
    const object: BabeldObject = w1;
    const id = w2;
    const kv = pairs(t.slice(3));
    if (!kv) {
      skipped++;
      continue;
    }
    if (kind === "flush") {
      maps[object].delete(id);
    } else {
      const item = object === "interface" ? iface(id, kv) : object === "neighbour" ? neighbour(id, kv) : object === "route" ? route(id, kv) : xroute(id, kv);
      if (!item) {
        skipped++;
        continue;
      }
      (maps[object] as Map<string, typeof item>).set(id, item);
    }
    if (events.length >= MAX_EVENTS) return invalid(`more than ${MAX_EVENTS} babeld lines`, i + 1);
    events.push({ line: i + 1, kind, object, id });
    recognised++;
  }
  if (recognised === 0) return notFormat("no babeld local-interface lines found", all.findIndex((l) => l.trim() !== "") + 1 || null);
  return parsed(
    {
      interfaces: [...maps.interface.values()].sort((a, b) => cmp(a.name, b.name)),
      neighbours: [...maps.neighbour.values()].sort((a, b) => cmp(a.address, b.address) || cmp(a.iface, b.iface) || cmp(a.id, b.id)),
      routes: [...maps.route.values()].sort((a, b) => cmp(a.prefix, b.prefix) || cmp(a.from, b.from) || Number(b.installed === true) - Number(a.installed === true) || cmp(a.via, b.via) || cmp(a.iface, b.iface) || cmp(a.id, b.id)),
      xroutes: [...maps.xroute.values()].sort((a, b) => cmp(a.prefix, b.prefix) || cmp(a.from, b.from) || cmp(a.id, b.id)),
      events,
      info,
    },
    skipped,
  );
}
