import { z } from "zod";
import { diagArgs, diagScan, nodeId } from "@meshfleet/shared";

/** Requests and answers of the diagnostics routes (the OpenAPI document is generated from them). */
export const diagBody = z.object({ args: diagArgs, deadlineMs: z.number().int().min(1000).max(60_000).optional() }).strict();
export const auditQuery = z.object({ node: z.optional(nodeId), limit: z.coerce.number().int().min(1).max(1000).optional() }).strict();
export const diagParams = z.object({ id: nodeId });

const ms = z.number().int();
const runResult = z.object({
  id: z.string(),
  node: z.string(),
  args: diagArgs,
  result: z.enum(["done", "refused", "timeout", "failed"]).describe("done: the command ran, whatever its exit code; refused by the node; timeout; failed: could not run"),
  argv: z.array(z.string()).nullable(),
  output: z.string(),
  exitCode: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  requestedAt: ms,
  finishedAt: ms,
  scan: z.nullable(diagScan).describe("a Wi-Fi scan's networks and channels as the node parsed them"),
  resolved: z.object({ node: z.string(), address: z.string(), iface: z.string() }).optional().describe("the target was a fleet node: the address it was resolved to"),
});
export const diagAnswer = runResult.extend({ server: runResult.optional().describe("an iperf3 test between two nodes: the server side's run on the target") });

export const auditAnswer = z.object({
  audit: z.array(
    z.object({
      id: z.string(),
      node: z.string(),
      kind: z.string(),
      who: z.string().describe("the API token (its id and name)"),
      requestedAt: ms,
      finishedAt: ms.nullable(),
      result: z.string(),
      exitCode: z.number().int().nullable(),
      error: z.string().nullable(),
      args: z.unknown().describe("the arguments as asked (refusals: as sent)"),
      argv: z.array(z.string()).nullable(),
    }),
  ),
});

export const commandsAnswer = z.object({
  commands: z.array(
    z.object({
      kind: z.string(),
      title: z.string(),
      args: z.array(z.object({ name: z.string(), type: z.enum(["target", "int", "iface", "prefix"]), min: z.number().optional(), max: z.number().optional(), default: z.union([z.number(), z.string()]).optional() })),
    }),
  ),
  limits: z.record(z.string(), z.tuple([z.number(), z.number()])).describe("each bounded argument's [min, max]"),
  patterns: z.record(z.string(), z.object({ patterns: z.array(z.object({ source: z.string(), flags: z.string() })).describe("regular expressions; one must match"), message: z.string() })).describe("what each text argument may be"),
});
