import { z } from "zod";
import { macText } from "./common";
import { epochMs, nodeId, shortText } from "./primitives";
import { boardInfo } from "./system";

export const helloInterface = z.object({
  name: shortText,
  mac: macText.nullable(),
  /** fe80::/10 addresses on this interface, without zone. */
  linkLocal: z.array(shortText).max(16),
  wireless: z.boolean(),
});
export type HelloInterface = z.infer<typeof helloInterface>;

/** Sent by the agent on every (re)connect. */
export const hello = z.object({
  type: z.literal("hello"),
  v: z.number().int().positive(),
  node: nodeId,
  boot: z.string().min(8).max(64),
  ts: epochMs,
  agentVersion: shortText,
  protocolVersion: z.number().int().positive(),
  capabilities: z.array(shortText).max(64),
  intervalMs: z.number().int().positive(),
  /** How the agent reaches the router: on it, over ssh, in a lab namespace, simulated. */
  mode: z.enum(["local", "ssh", "prefixed", "simulated"]),
  hostname: z.nullable(shortText),
  board: boardInfo.nullable(),
  interfaces: z.array(helloInterface).max(256),
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/)).max(32).default([]),
});
export type Hello = z.infer<typeof hello>;
