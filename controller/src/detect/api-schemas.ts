import { z } from "zod";
import { alert } from "@meshfleet/shared";
import { EVENT_CODES } from "./types";

/**
 * Answers of the detection and alerting routes (the OpenAPI document is generated from
 * them). An alert is the wire alert (@meshfleet/shared), the one definition sinks get too.
 */
export const storedEvent = z.object({
  id: z.number().int(),
  code: z.enum(EVENT_CODES),
  node: z.string(),
  ts: z.number().int().describe("the snapshot time (ms) the change was seen at"),
  subject: z.string().describe("what changed, e.g. route:r1:2001:db8::/64, mesh-path:r1:02:..., node:r1"),
  before: z.unknown().describe("the state before (its shape depends on the code); null when it appeared"),
  after: z.unknown().describe("the state after; null when it went away"),
});

export const eventsAnswer = z.object({ events: z.array(storedEvent) });
export const alertsAnswer = z.object({ alerts: z.array(alert) });
export const alertAnswer = z.object({ alert, events: z.array(storedEvent).describe("the evidence events") });
export const oneAlert = z.object({ alert });

const trigger = z.object({ code: z.string(), node: z.string(), subject: z.string(), ts: z.number().int() });
export const convergenceAnswer = z.object({
  incidents: z.array(
    z.object({ id: z.number().int(), startTs: z.number().int(), endTs: z.number().int(), durationMs: z.number().int(), nodes: z.array(z.string()), trigger, eventIds: z.array(z.number().int()), changes: z.number().int() }),
  ),
  open: z.object({ startTs: z.number().int(), trigger, nodes: z.array(z.string()), changes: z.number().int() }).nullable().describe("the incident in progress"),
});

export const churnAnswer = z.object({
  subjects: z.array(z.object({ subject: z.string(), kind: z.enum(["route", "mesh_path", "neighbor"]), node: z.string(), link: z.string().nullable(), score: z.number(), flapping: z.boolean() })),
  nodes: z.record(z.string(), z.number()).describe("score summed per node"),
  links: z.record(z.string(), z.number()).describe("score summed per link (link:a-b)"),
  thresholds: z.object({ openAbove: z.number(), resolveBelow: z.number(), halfLifeMs: z.number() }),
});

export const silence = z.object({
  id: z.number().int(),
  kind: z.enum(["silence", "maintenance", "job"]),
  node: z.string().nullable().describe("null: any"),
  code: z.string().nullable(),
  subject: z.string().nullable(),
  fromTs: z.number().int(),
  untilTs: z.number().int(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.number().int(),
});
export const silencesAnswer = z.object({ silences: z.array(silence) });
export const oneSilence = z.object({ silence });
export const silencesQuery = z.object({ all: z.string().optional().describe("1: also silences that ended") });
