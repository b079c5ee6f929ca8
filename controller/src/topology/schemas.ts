import { z } from "zod";
import { msInt } from "../history/schemas";

/** Request and response schemas of `/api/topology`; the OpenAPI document is generated from them. */
export const topologyQuery = z.object({ at: msInt.optional() }).strict();

export const netjsonGraph = z.object({
  type: z.literal("NetworkGraph"),
  protocol: z.string(),
  version: z.string(),
  metric: z.string(),
  label: z.string(),
  timestamp: z.number().int(),
  nodes: z.array(z.object({ id: z.string(), label: z.string().optional(), properties: z.record(z.string(), z.unknown()).optional() })),
  links: z.array(z.object({ source: z.string(), target: z.string(), cost: z.number(), cost_text: z.string().optional(), properties: z.record(z.string(), z.unknown()).optional() })),
  relayedPaths: z
    .array(
      z.object({
        source: z.string(),
        destination: z.string(),
        via: z.string().describe("the next hop: its fleet node, else its MAC"),
        hops: z.number().nullable(),
        metric: z.number().nullable(),
      }),
    )
    .describe("meshfleet extension: 802.11s mesh paths whose next hop is not the destination (relayed, more than one hop)"),
});
