import { hash32 } from "../random";
import type { SimNode } from "../types";

/**
 * `nft -j list ruleset` for a fw4-like ruleset (OpenWrt 22.03), in nftables 1.0.6's
 * JSON layout (`{"nftables": [...]}` on one line, `", "` and `": "` separators),
 * checked against real `nft -j` output of the same rules. Counters grow with uptime
 * at per-rule rates; a reboot resets them. The ruleset's shape is built once per kind
 * of node and kept as a template with holes for the counter values.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const HOLE = "\u0000counter\u0000";
const F = { family: "inet", table: "fw4" } as const;

const meta = (key: string): Json => ({ meta: { key } });
const eq = (left: Json, right: Json): Json => ({ match: { op: "==", left, right } });
const counter: Json = { counter: HOLE };
const accept: Json = { accept: null };
const jump = (target: string): Json => ({ jump: { target } });
const ctState: Json = { match: { op: "in", left: { ct: { key: "state" } }, right: ["established", "related"] } };
const udpDport = (port: number): Json => eq({ payload: { protocol: "udp", field: "dport" } }, port);
const fromLinkLocal: Json = eq({ payload: { protocol: "ip6", field: "saddr" } }, { prefix: { addr: "fe80::", len: 10 } });

interface RuleSpec {
  chain: string;
  comment?: string;
  expr: Json[];
}

function spec(node: Pick<SimNode, "gateway" | "routing">): { chains: Json[]; rules: RuleSpec[] } {
  const routing = node.routing === "rip" ? { name: "Allow-RIPng", port: 521 } : { name: "Allow-Babel", port: 6696 };
  const base: [string, Json][] = [
    ["input", { type: "filter", hook: "input", prio: 0, policy: "drop" }],
    ["forward", { type: "filter", hook: "forward", prio: 0, policy: "drop" }],
    ["output", { type: "filter", hook: "output", prio: 0, policy: "accept" }],
  ];
  const plain = ["handle_reject", "input_lan", "output_lan", "forward_lan", "input_mesh", "output_mesh", "forward_mesh", "accept_from_lan", "accept_to_lan", "accept_to_mesh", "reject_from_mesh"];
  if (node.gateway) plain.push("input_wan", "output_wan", "forward_wan", "accept_to_wan", "reject_from_wan", "reject_to_wan");
  const r = (chain: string, comment: string | undefined, ...expr: Json[]): RuleSpec => (comment === undefined ? { chain, expr } : { chain, comment: `!fw4: ${comment}`, expr });
  const rules: RuleSpec[] = [
    r("input", "Accept traffic from loopback", eq(meta("iifname"), "lo"), accept),
    r("input", "Allow inbound established and related flows", ctState, accept),
    r("input", "Handle lan IPv4/IPv6 input traffic", eq(meta("iifname"), "br-lan"), jump("input_lan")),
    r("input", "Handle mesh IPv4/IPv6 input traffic", eq(meta("iifname"), "mesh0"), jump("input_mesh")),
    r("forward", "Allow forwarded established and related flows", ctState, accept),
    r("forward", "Handle lan IPv4/IPv6 forward traffic", eq(meta("iifname"), "br-lan"), jump("forward_lan")),
    r("forward", "Handle mesh IPv4/IPv6 forward traffic", eq(meta("iifname"), "mesh0"), jump("forward_mesh")),
    r("output", "Accept traffic towards loopback", eq(meta("oifname"), "lo"), accept),
    r("output", "Allow outbound established and related flows", ctState, accept),
    r("output", "Handle lan IPv4/IPv6 output traffic", eq(meta("oifname"), "br-lan"), jump("output_lan")),
    r("output", "Handle mesh IPv4/IPv6 output traffic", eq(meta("oifname"), "mesh0"), jump("output_mesh")),
    r("handle_reject", "Reject TCP traffic", eq(meta("l4proto"), "tcp"), { reject: { type: "tcp reset" } }),
    r("handle_reject", "Reject any other traffic", { reject: { type: "icmpx", expr: "port-unreachable" } }),
    r("input_lan", undefined, jump("accept_from_lan")),
    r("output_lan", undefined, jump("accept_to_lan")),
    r("forward_lan", "Accept lan to mesh forwarding", jump("accept_to_mesh")),
    r("input_mesh", routing.name, udpDport(routing.port), fromLinkLocal, counter, accept),
    r("input_mesh", "Allow-ICMPv6-Input", eq(meta("l4proto"), "ipv6-icmp"), counter, accept),
    r("input_mesh", undefined, jump("reject_from_mesh")),
    r("output_mesh", undefined, jump("accept_to_mesh")),
    r("forward_mesh", "Accept mesh to lan forwarding", jump("accept_to_lan")),
    r("accept_from_lan", "accept lan IPv4/IPv6 traffic", eq(meta("iifname"), "br-lan"), counter, accept),
    r("accept_to_lan", "accept lan IPv4/IPv6 traffic", eq(meta("oifname"), "br-lan"), counter, accept),
    r("accept_to_mesh", "accept mesh IPv4/IPv6 traffic", eq(meta("oifname"), "mesh0"), counter, accept),
    r("reject_from_mesh", "reject mesh IPv4/IPv6 traffic", eq(meta("iifname"), "mesh0"), counter, jump("handle_reject")),
  ];
  if (node.gateway) {
    rules.push(
      r("input", "Handle wan IPv4/IPv6 input traffic", eq(meta("iifname"), "wan"), jump("input_wan")),
      r("input_wan", "Allow-DHCPv6", eq(meta("nfproto"), "ipv6"), udpDport(546), counter, accept),
      r("input_wan", "Allow-ICMPv6-Input", eq(meta("l4proto"), "ipv6-icmp"), counter, accept),
      r("input_wan", undefined, jump("reject_from_wan")),
      r("output_wan", undefined, jump("accept_to_wan")),
      r("forward_wan", undefined, jump("reject_to_wan")),
      r("accept_to_wan", "accept wan IPv6 traffic", eq(meta("oifname"), "wan"), counter, accept),
      r("reject_from_wan", "reject wan IPv4/IPv6 traffic", eq(meta("iifname"), "wan"), counter, jump("handle_reject")),
    );
  }
  const chains: Json[] = [];
  let handle = 1;
  for (const [name, hook] of base) chains.push({ chain: { ...F, name, handle: handle++, ...(hook as Record<string, Json>) } });
  for (const name of plain) chains.push({ chain: { ...F, name, handle: handle++ } });
  return { chains, rules };
}

/** nft's JSON spacing. */
function stringify(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(stringify).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${stringify(x)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(v);
}

interface Template {
  parts: string[];
  comments: (string | null)[];
}
const templates = new Map<string, Template>();

function template(node: Pick<SimNode, "gateway" | "routing">): Template {
  const key = `${node.gateway}:${node.routing}`;
  const have = templates.get(key);
  if (have) return have;
  const { chains, rules } = spec(node);
  let handle = chains.length + 1;
  const items: Json[] = [{ metainfo: { version: "1.0.6", release_name: "Lester Gooch #5", json_schema_version: 1 } }, { table: { family: "inet", name: "fw4", handle: 1 } }, ...chains];
  // nft lists rules chain by chain, in the chains' order.
  const order = chains.map((c) => ((c as { chain: { name: string } }).chain.name));
  const sorted = [...rules].sort((a, b) => order.indexOf(a.chain) - order.indexOf(b.chain));
  const comments: (string | null)[] = [];
  for (const rs of sorted) {
    items.push({ rule: { ...F, chain: rs.chain, handle: handle++, ...(rs.comment ? { comment: rs.comment } : {}), expr: rs.expr } });
    if (rs.expr.includes(counter)) comments.push(rs.comment ?? null);
  }
  const text = `${stringify({ nftables: items })}\n`;
  const t = { parts: text.split(stringify(HOLE)), comments };
  templates.set(key, t);
  return t;
}

/** Counter values at `now` for the node's counted rules, in ruleset order. */
export function nftCounterValues(node: SimNode, now: number, seed: number): { packets: number; bytes: number; comment: string | null }[] {
  const t = template(node);
  const up = Math.max(0, now - node.bootAt) / 1000;
  return t.comments.map((comment, i) => {
    const h = hash32(seed, node.index, i);
    const pps = comment?.includes("Allow-") ? 0.05 + (h % 100) / 500 : 0.5 + (h % 1000) / 50;
    const packets = Math.floor(up * pps);
    return { packets, bytes: packets * (90 + (h % 900)), comment };
  });
}

export function renderNftJson(node: SimNode, now: number, seed: number): string {
  const t = template(node);
  const values = nftCounterValues(node, now, seed);
  // Joined: one flat string for the reader, no chain of concatenations to flatten first.
  const out = [t.parts[0]!];
  for (let i = 1; i < t.parts.length; i++) {
    const v = values[i - 1]!;
    out.push(`{"packets": ${v.packets}, "bytes": ${v.bytes}}`, t.parts[i]!);
  }
  return out.join("");
}
