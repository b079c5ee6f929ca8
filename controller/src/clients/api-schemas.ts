import { z } from "zod";

/** Answers of the client routes (the OpenAPI document is generated from them). */
const ms = z.number().int();

export const clientSummary = z.object({
  mac: z.string(),
  hostname: z.string().nullable(),
  ip: z.string().nullable(),
  node: z.string().nullable().describe("the node it is associated with now (null: not associated anywhere)"),
  iface: z.string().nullable(),
  band: z.string().nullable(),
  signalDbm: z.number().nullable(),
  ts: ms.describe("time of the snapshot that showed it (or its lease)"),
});
export const clientsAnswer = z.object({ clients: z.array(clientSummary) });

export const clientHistoryAnswer = z.object({
  mac: z.string(),
  now: clientSummary.nullable(),
  hostname: z.string().nullable(),
  ip: z.string().nullable(),
  firstSeen: ms.nullable(),
  lastSeen: ms.nullable(),
  from: ms,
  to: ms,
  segments: z.array(z.object({ node: z.string(), iface: z.string(), band: z.string().nullable(), from: ms, to: ms })).describe("stretches of time on one AP (node + interface)"),
  roams: z.array(z.object({ ts: ms, from: z.string(), to: z.string(), fromIface: z.string(), toIface: z.string(), gapMs: z.number() })),
  samples: z.array(z.object({ ts: ms, node: z.string(), iface: z.string(), band: z.string().nullable(), signalDbm: z.number().nullable(), txMbps: z.number().nullable(), rxMbps: z.number().nullable() })),
  truncated: z.boolean(),
});

const roamStats = { roams: z.number().int(), medianGapMs: z.number().nullable(), p95GapMs: z.number().nullable(), slow: z.number().int().describe("roams slower than slowMs") };
export const roamingWindow = z.object({
  from: ms,
  to: ms,
  slowMs: z.number().int(),
  fleet: z.object({ ...roamStats, failed: z.number().int().describe("clients that left without reassociating anywhere") }),
  pairs: z.array(z.object({ from: z.string(), to: z.string(), ...roamStats })).describe("per directed AP pair, most roams first"),
  ft: z.array(z.object({ ssid: z.string(), aps: z.number().int(), withFt: z.number().int(), inUse: z.enum(["yes", "no", "mixed"]) })).describe("802.11r per SSID"),
  configAt: ms.describe("the time of the wireless config 802.11r was judged by"),
});
export const roamingAnswer = z.union([
  roamingWindow,
  z.object({
    job: z.object({ id: z.string(), createdAt: ms, finishedAt: ms.nullable(), template: z.string() }),
    before: roamingWindow,
    after: roamingWindow,
  }),
]);
