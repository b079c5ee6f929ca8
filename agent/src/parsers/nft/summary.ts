import { MAX_SUMMARY, clip } from "./common";

/**
 * Renders the `expr` list of an `nft -j` rule as short nft-like text, e.g.
 * `meta nfproto ipv6 udp dport 521 ip6 saddr fe80::/10 accept`. Ports, addresses and
 * verdicts are always spelled out (the fleet lint reads them); anonymous counters are
 * left out (they are the counter itself). Unknown statements degrade to their name.
 */
export function summariseExpr(expr: readonly unknown[]): string {
  const parts: string[] = [];
  for (const stmt of expr) {
    const s = statement(stmt);
    if (s) parts.push(s);
  }
  return clip(parts.join(" ").replace(/\s+/g, " ").trim(), MAX_SUMMARY);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const MAX_DEPTH = 24;

/** The single key of a `{name: body}` object, nft JSON's way of tagging a node. */
function tagged(v: unknown): [string, unknown] | null {
  if (!isObj(v)) return null;
  const keys = Object.keys(v);
  if (keys.length !== 1) return null;
  const k = keys[0] as string;
  return [k, v[k]];
}

/** Unqualified meta keys: nft prints them without the `meta` prefix. */
const BARE_META = new Set(["iif", "oif", "iifname", "oifname", "iiftype", "oiftype", "mark", "skuid", "skgid", "rtclassid", "cpu", "iifgroup", "oifgroup", "cgroup", "ipsec", "priority"]);

function statement(stmt: unknown): string {
  const t = tagged(stmt);
  if (!t) return "";
  const [name, body] = t;
  const b = isObj(body) ? body : {};
  switch (name) {
    case "match": {
      const op = typeof b.op === "string" && b.op !== "==" && b.op !== "in" ? ` ${b.op}` : "";
      return `${value(b.left, 0)}${op} ${value(b.right, 0, quotesRight(b.left))}`;
    }
    case "counter":
      // Anonymous counter: it is the counter we report. Named: `counter name X`.
      if (typeof body === "string") return `counter name "${body}"`;
      if (isObj(body) && "map" in body) return `counter name ${value(body.map, 0)}`;
      return "";
    case "quota":
      if (typeof body === "string") return `quota name "${body}"`;
      if (isObj(body) && "map" in body) return `quota name ${value(body.map, 0)}`;
      return `quota${b.inv === true ? " over" : ""} ${value(b.val, 0)} ${typeof b.val_unit === "string" ? b.val_unit : "bytes"}`;
    case "jump":
    case "goto":
      return `${name} ${typeof b.target === "string" ? b.target : "?"}`;
    case "reject": {
      if (b.type === "tcp reset") return "reject with tcp reset";
      return typeof b.expr === "string" && b.expr !== "port-unreachable" ? `reject with ${String(b.type)} ${b.expr}` : "reject";
    }
    case "limit":
      return `limit rate ${b.inv === true ? "over " : ""}${value(b.rate, 0)}/${typeof b.per === "string" ? b.per : "second"}`;
    case "log":
      return typeof b.prefix === "string" ? `log prefix "${b.prefix}"` : "log";
    case "snat":
    case "dnat":
      return `${name} to ${value(b.addr, 0)}${b.port !== undefined ? `:${value(b.port, 0)}` : ""}`;
    case "mangle":
      return `${value(b.key, 0)} set ${value(b.value, 0)}`;
    case "set":
    case "map":
      return `${String(b.op ?? "update")} ${value(b.set ?? b.map, 0)}`;
    default:
      // Verdicts (`{"accept": null}`, drop, continue, return, queue, masquerade, …) and
      // statements without interesting arguments: their name.
      return name;
  }
}

/** nft prints interface names (and other string-typed keys) quoted: `iifname "br-lan"`. */
const QUOTED_META = new Set(["iifname", "oifname", "ibrname", "obrname", "iifkind", "oifkind", "sdifname"]);
function quotesRight(left: unknown): boolean {
  const t = tagged(left);
  return t !== null && t[0] === "meta" && isObj(t[1]) && QUOTED_META.has(String(t[1].key));
}

/** An expression (left or right side of a match, a key, a value). */
function value(v: unknown, depth: number, quote = false): string {
  if (depth > MAX_DEPTH) return "…";
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return quote && !v.startsWith("@") ? `"${v}"` : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map((x) => value(x, depth + 1, quote)).join(",");
  const t = tagged(v);
  if (!t) return "";
  const [name, body] = t;
  const b = isObj(body) ? body : {};
  switch (name) {
    case "payload":
      if (typeof b.protocol === "string") return `${b.protocol} ${String(b.field ?? "")}`;
      return `@${String(b.base ?? "?")},${String(b.offset ?? "?")},${String(b.len ?? "?")}`;
    case "meta": {
      const key = String(b.key ?? "");
      return BARE_META.has(key) ? key : `meta ${key}`;
    }
    case "ct":
      return ["ct", b.dir, b.family, b.key].filter((x) => typeof x === "string").join(" ");
    case "set":
      return `{ ${(Array.isArray(body) ? body : [body]).map((x) => value(x, depth + 1, quote)).join(", ")} }`;
    case "range":
      return Array.isArray(body) ? body.map((x) => value(x, depth + 1)).join("-") : "";
    case "prefix":
      return `${value(b.addr, depth + 1)}/${value(b.len, depth + 1)}`;
    case "concat":
      return Array.isArray(body) ? body.map((x) => value(x, depth + 1)).join(" . ") : "";
    case "elem":
      return value(b.val, depth + 1);
    case "map":
      return `${value(b.key, depth + 1)} map ${value(b.data, depth + 1)}`;
    case "&":
    case "|":
    case "^":
    case "<<":
    case ">>":
      return Array.isArray(body) ? body.map((x) => value(x, depth + 1)).join(` ${name} `) : name;
    case "fib":
      return `fib ${Array.isArray(b.flags) ? b.flags.join(" . ") : ""} ${String(b.result ?? "")}`;
    default: {
      const prims = Object.values(b).filter((x) => typeof x === "string" || typeof x === "number");
      return [name, ...prims.map(String)].join(" ");
    }
  }
}
