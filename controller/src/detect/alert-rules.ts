import type { AlertCode, Severity } from "@meshfleet/shared";
import type { AlertInput } from "../alerts/types";
import { FLAP_ALERT, type ChurnTransition, type StoredEvent } from "./churn-score";
import type { ClosedIncident } from "./convergence";
import type { LintFinding } from "./lint";
import { describePath } from "./mesh-paths";
import { subjectOf } from "./types";

/** What the detectors' outputs mean for alerts (pure). */
export type AlertAction = { type: "raise"; input: AlertInput } | { type: "resolve"; code: AlertCode; subject: string; eventIds: number[]; summary?: string };

export const ALERT_SEVERITY: Record<AlertCode, Severity> = {
  route_flapping: "warning",
  mesh_path_flapping: "warning",
  neighbor_flapping: "warning",
  node_offline: "critical",
  link_degraded: "warning",
  mesh_link_down: "warning",
  bogus_mesh_path: "critical",
  slow_convergence: "warning",
  lint: "warning",
  channel_congested: "warning",
  noise_floor_raised: "warning",
  node_flooding: "warning",
  clock_skew: "warning",
};

export const CONVERGENCE_SUBJECT = "convergence:fleet";

const ev = (eventIds: number[]) => ({ eventIds, scores: [] });

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** A time as a person reads it in a notification: `22:13:20 UTC on 14 Nov 2023` (the controller's zone is not the reader's). */
export function humanUtc(ts: number): string {
  const d = new Date(ts);
  return `${d.toISOString().slice(11, 19)} UTC on ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A duration in the largest unit that keeps it readable: `45 s`, `3 min`, `2.5 h`, `3 days`. */
export function humanSpan(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 5_400_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 360_000) / 10} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/** Alerts opened or resolved by single events: node offline/online, link degraded/recovered, bogus mesh paths. */
export function actionsForEvent(e: StoredEvent): AlertAction[] {
  switch (e.code) {
    case "node_offline":
      return [{ type: "raise", input: { code: "node_offline", subject: e.subject, node: e.node, severity: ALERT_SEVERITY.node_offline, summary: `${e.node} sent no snapshot since ${humanUtc(e.before.lastSeenTs)}${e.ts > e.before.lastSeenTs ? ` (${humanSpan(e.ts - e.before.lastSeenTs)} before it was marked offline)` : ""}`, evidence: ev([e.id]) } }];
    case "node_online":
      return [{ type: "resolve", code: "node_offline", subject: e.subject, eventIds: [e.id] }];
    case "link_degraded":
      return [{ type: "raise", input: linkDegradedInput(e) }];
    case "link_recovered":
      return [{ type: "resolve", code: "link_degraded", subject: e.subject, eventIds: [e.id], summary: e.reason === "new_normal" ? "accepted as the link's new normal" : "back near its baseline" }];
    case "mesh_link_down":
      return [
        ...(e.before.wasDegraded ? [{ type: "resolve" as const, code: "link_degraded" as const, subject: e.subject, eventIds: [e.id], summary: "the link went down" }] : []),
        { type: "raise", input: { code: "mesh_link_down", subject: e.subject, node: e.node, severity: ALERT_SEVERITY.mesh_link_down, summary: `mesh link ${e.nodes[0]} <-> ${e.nodes[1]} is down since ${humanUtc(e.sinceTs)} while both nodes are online`, evidence: { ...ev([e.id]), detail: { nodes: e.nodes, since: e.sinceTs, lastSeenTs: e.before.lastSeenTs, sides: e.before.sides } } } },
      ];
    case "mesh_link_up":
      return [{ type: "resolve", code: "mesh_link_down", subject: e.subject, eventIds: [e.id], summary: "the link is back" }];
    case "mesh_path_bogus":
      return [{ type: "raise", input: { code: "bogus_mesh_path", subject: e.subject, node: e.node, severity: ALERT_SEVERITY.bogus_mesh_path, summary: `${e.node}: mesh path to ${e.destNode ?? e.dest} has the bogus next hop 00:00:00:00:00:00`, evidence: ev([e.id]) } }];
    case "channel_congested":
      return [
        {
          type: "raise",
          input: { code: "channel_congested", subject: e.subject, node: e.node, severity: ALERT_SEVERITY.channel_congested, summary: `${e.node} ${e.iface}: channel ${e.channel ?? "?"} busy ${e.after.busyPct}% of the time (at or above ${e.after.thresholdPct}% since ${humanUtc(e.sinceTs)})`, evidence: { ...ev([e.id]), detail: { since: e.sinceTs, busyPct: e.after.busyPct, channel: e.channel, freqMhz: e.freqMhz } } },
        },
      ];
    case "channel_congestion_cleared":
      return [{ type: "resolve", code: "channel_congested", subject: e.subject, eventIds: [e.id], summary: e.after.reason }];
    case "noise_floor_raised":
      return [
        {
          type: "raise",
          input: { code: "noise_floor_raised", subject: e.subject, node: e.node, severity: ALERT_SEVERITY.noise_floor_raised, summary: `${e.node} ${e.iface}: noise floor ${e.after.noiseDbm} dBm, ${e.after.riseDb} dB above its baseline of ${e.after.baselineDbm} dBm`, evidence: { ...ev([e.id]), detail: { since: e.sinceTs, ...e.after, channel: e.channel } } },
        },
      ];
    case "noise_floor_normal":
      return [{ type: "resolve", code: "noise_floor_raised", subject: e.subject, eventIds: [e.id], summary: e.after.reason }];
    case "mesh_path_changed":
    case "mesh_path_lost":
      return describePath(e.before).startsWith("bogus") ? [{ type: "resolve", code: "bogus_mesh_path", subject: e.subject, eventIds: [e.id] }] : [];
    default:
      return [];
  }
}

const REASON_TEXT = { signal: "signal far below its usual level", throughput: "expected throughput a fraction of its usual level", floor: "under the usable floor" } as const;

function linkDegradedInput(e: Extract<StoredEvent, { code: "link_degraded" }>): AlertInput {
  const sides = e.after.sides.map((s) => `${s.node} -> ${s.peer}: ${s.signalDbm ?? "?"} dBm (usually ${s.baselineSignalDbm ?? "?"}), ${s.expectedThroughputMbps ?? "?"} Mbit/s (usually ${s.baselineThroughputMbps ?? "?"})`);
  return {
    code: "link_degraded",
    subject: e.subject,
    node: e.node,
    severity: ALERT_SEVERITY.link_degraded,
    summary: `mesh link ${e.nodes[0]} <-> ${e.nodes[1]} degraded since ${humanUtc(e.sinceTs)}: ${REASON_TEXT[e.reason]} (${sides.join("; ")})`.slice(0, 1000),
    evidence: { ...ev([e.id]), detail: { nodes: e.nodes, since: e.sinceTs, reason: e.reason, sides: e.after.sides } },
  };
}

/** Flapping alerts from churn score transitions (evidence: the events and the score history). */
export function actionsForChurn(t: ChurnTransition): AlertAction {
  const code = FLAP_ALERT[t.entry.kind];
  const scores = t.entry.history;
  if (t.type === "resolve") return { type: "resolve", code, subject: t.subject, eventIds: t.entry.eventIds };
  const what = t.subject.split(":").slice(2).join(":");
  const summary = `${t.entry.kind.replace("_", " ")} ${what} on ${t.entry.node} is flapping (churn score ${Math.round(t.entry.score)})`;
  return { type: "raise", input: { code, subject: t.subject, node: t.entry.node, severity: ALERT_SEVERITY[code], summary, evidence: { eventIds: t.entry.eventIds, scores, detail: { kind: t.entry.kind, link: t.entry.link } } } };
}

/** `slow_convergence` opens for an incident above the threshold and resolves at the next one under it. */
export function actionsForIncident(c: ClosedIncident & { id: number }, slowMs: number): AlertAction {
  if (c.durationMs <= slowMs) return { type: "resolve", code: "slow_convergence", subject: CONVERGENCE_SUBJECT, eventIds: [], summary: `converged in ${(c.durationMs / 1000).toFixed(1)} s` };
  return {
    type: "raise",
    input: {
      code: "slow_convergence",
      subject: CONVERGENCE_SUBJECT,
      node: c.trigger.node,
      severity: ALERT_SEVERITY.slow_convergence,
      summary: `routing took ${(c.durationMs / 1000).toFixed(1)} s to converge after ${c.trigger.code} on ${c.trigger.node} (nodes ${c.nodes.join(", ")})`,
      evidence: { eventIds: c.eventIds.slice(-1000), scores: [], detail: { incident: c.id, durationMs: c.durationMs, nodes: c.nodes } },
    },
  };
}

/** A lint finding as an alert input (one per finding subject). */
export function lintInput(f: LintFinding): AlertInput {
  return { code: "lint", subject: f.subject, node: f.nodes.length === 1 ? f.nodes[0]! : null, severity: f.severity, summary: f.message, evidence: { eventIds: [], scores: [], detail: { kind: f.kind, nodes: f.nodes, ...f.detail } } };
}

export { subjectOf };
