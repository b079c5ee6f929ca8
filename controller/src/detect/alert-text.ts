import type { AlertText } from "@meshfleet/shared";
import type { AlertInput } from "../alerts/types";
import type { StoredEvent } from "./churn-score";

const hhmmss = (ts: number) => new Date(ts).toISOString().slice(11, 19);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
const uniq = (xs: readonly (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => typeof x === "string" && x.length > 0))];
const nodesOf = (input: AlertInput) => (Array.isArray(input.evidence.detail?.nodes) ? (input.evidence.detail.nodes as string[]) : []);

function routeText(input: AlertInput, all: readonly StoredEvent[], nowMs: number): AlertText {
  const prefix = input.subject.split(":").slice(2).join(":");
  const node = input.node ?? "?";
  // Named after its origin: the origin's own churn when it has some, the other nodes' as "also seen on".
  const own = all.filter((e) => e.node === node);
  const events = own.length > 0 ? own : all;
  const seen = uniq(all.map((e) => e.node)).filter((n) => n !== node);
  const origin = input.evidence.detail?.origin as { node: string; reason: string } | null | undefined;
  const because = origin && origin.node === node && origin.reason === "owner" ? `; ${node} originates ${prefix}` : origin && origin.node === node && origin.reason === "upstream" ? `; the other nodes reach it through ${node}` : "";
  const hops = events.filter((e) => e.code === "route_nexthop_changed" || e.code === "route_withdrawn" || e.code === "route_added");
  const metrics = events.filter((e) => e.code === "route_metric_changed");
  const vias = uniq(events.flatMap((e) => (e.code.startsWith("route_") ? [(e.before as { viaNode?: string } | null)?.viaNode, (e.after as { viaNode?: string } | null)?.viaNode] : [])));
  const first = events[0]?.ts ?? nowMs;
  const span = Math.round(((events.at(-1)?.ts ?? first) - first) / 1000);
  const what = prefix === "::/0" || prefix === "0.0.0.0/0" ? `default route ${prefix}` : `route ${prefix}`;
  const changes = [hops.length > 0 ? `changed next hop ${plural(hops.length, "time")}` : null, metrics.length > 0 ? `changed metric ${plural(metrics.length, "time")}` : null].filter(Boolean).join(" and ");
  return {
    what: own.length > 0 ? `${what} flapping on ${node}` : `${what} flapping (origin ${node})`,
    where: uniq([node, ...vias, ...seen]).slice(0, 20),
    since: first,
    why: (own.length > 0
      ? `${what} on ${node} ${changes || "changed"} in ${span} s${vias.length > 0 ? `, between ${vias.join(" and ")}` : ""}${because}${seen.length > 0 ? `; also seen on ${seen.join(", ")}` : ""}`
      : `${what} ${changes || "changed"} in ${span} s on ${seen.join(", ")}${vias.length > 0 ? `, between ${vias.join(" and ")}` : ""}${because}`
    ).slice(0, 500),
    evidence: events.slice(-8).map((e) => `${hhmmss(e.ts)}${e.node !== node ? ` ${e.node}` : ""} ${e.code.replace("route_", "").replace("_", " ")}: ${(e.before as { viaNode?: string } | null)?.viaNode ?? "-"} -> ${(e.after as { viaNode?: string } | null)?.viaNode ?? "-"}`),
    check: [`the mesh links of ${node}${vias.length > 0 ? ` towards ${vias.join(" and ")}` : ""} (signal, interference)`, `the routing daemon on ${node} (babeld/BIRD log, interface costs)`],
  };
}

/** The alert in words for a person: what, where (node names), since when, why in one sentence, evidence, what to check. */
export function alertText(input: AlertInput, events: readonly StoredEvent[], nowMs: number): AlertText {
  const d = input.evidence.detail ?? {};
  const node = input.node ?? "the fleet";
  switch (input.code) {
    case "route_flapping":
      return routeText(input, events, nowMs);
    case "node_offline": {
      const since = events.find((e) => e.code === "node_offline")?.before as { lastSeenTs?: number } | undefined;
      const last = since?.lastSeenTs ?? nowMs;
      return { what: `${node} offline`, where: [node], since: last, why: `${node} sent no telemetry since ${hhmmss(last)} UTC (3 intervals missed)`, evidence: [input.summary.slice(0, 300)], check: [`power and uplink of ${node}`, `whether it reboots (uptime when it returns)`, `the meshfleet-agent service on ${node}`] };
    }
    case "link_degraded": {
      const [a, b] = nodesOf(input);
      const sides = Array.isArray(d.sides) ? (d.sides as { node: string; peer: string; signalDbm: number | null; baselineSignalDbm: number | null; expectedThroughputMbps: number | null; baselineThroughputMbps: number | null }[]) : [];
      const since = typeof d.since === "number" ? d.since : nowMs;
      const why =
        d.reason === "floor"
          ? `the mesh link ${a} <-> ${b} is under the usable floor since ${hhmmss(since)} UTC`
          : `the mesh link ${a} <-> ${b} has been far below its usual ${d.reason === "signal" ? "signal" : "expected throughput"} since ${hhmmss(since)} UTC`;
      return {
        what: `mesh link ${a} <-> ${b} degraded`,
        where: uniq([a, b]),
        since,
        why,
        evidence: sides.map((s) => `${s.node} -> ${s.peer}: ${s.signalDbm ?? "?"} dBm (usually ${s.baselineSignalDbm ?? "?"}), ${s.expectedThroughputMbps ?? "?"} Mbit/s (usually ${s.baselineThroughputMbps ?? "?"})`),
        check: ["something new between the two routers (furniture, a door, a wall)", `antennas and placement of ${a} and ${b}`, "interference on the mesh channel"],
      };
    }
    case "mesh_link_down": {
      const [a, b] = nodesOf(input);
      const since = typeof d.since === "number" ? d.since : nowMs;
      return {
        what: `mesh link ${a} <-> ${b} down`,
        where: uniq([a, b]),
        since,
        why: `${a} and ${b} stopped seeing each other as mesh peers at ${hhmmss(since)} UTC while both kept reporting`,
        evidence: [typeof d.lastSeenTs === "number" ? `last seen as mesh peers at ${hhmmss(d.lastSeenTs)} UTC` : "never seen again"],
        check: [`mesh channel and mesh id of ${a} and ${b}`, "the radio of each (iw dev, dmesg)", "distance and obstacles between them"],
      };
    }
    default:
      return { what: input.summary.split(":")[0]!.slice(0, 200), where: uniq([input.node, ...nodesOf(input)]), since: events[0]?.ts ?? nowMs, why: input.summary.slice(0, 500), evidence: events.slice(-8).map((e) => `${hhmmss(e.ts)} ${e.code} on ${e.node}`), check: [] };
  }
}
