import { z } from "zod";
import { JOB_NODE_STATES, jobNodeState, jobVerify, reload, uciOp } from "@meshfleet/shared";
import { rolloutPolicy } from "./spec";

/** Requests and answers of the job routes (the OpenAPI document is generated from them). */
export const jobIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "invalid job id") });
export const listQuery = z.object({ limit: z.string().optional().describe("how many, 1 to 500 (default 50; anything else: 50)") });
export const createQuery = z.object({ dryRun: z.string().optional().describe("1 or true: plan only, nothing is sent") });

const ms = z.number().int();
const runStatus = z.enum(["running", "halted", "cancelled", "completed", "expired"]);
const issue = z.object({ path: z.string(), message: z.string() });

/** A job row as listed (parameters masked). */
const jobRow = z.object({
  id: z.string(),
  createdAt: ms,
  updatedAt: ms,
  description: z.string(),
  template: z.string(),
  params: z.record(z.string(), z.unknown()).describe("the template's parameters, secrets masked (********)"),
  target: z.string(),
  verify: jobVerify,
  expiresAt: ms,
  status: runStatus,
  finishedAt: ms.nullable(),
});
const counts = z.record(z.enum(JOB_NODE_STATES), z.number().int()).describe("nodes per state");

export const jobAnswer = jobRow.extend({
  reason: z.string().nullable(),
  rollout: z.object({ policy: rolloutPolicy, batch: z.number().int().describe("the batch in progress; -1 before the first"), batchCount: z.number().int(), nextBatchAt: ms.nullable() }),
  counts,
  nodes: z.array(
    z.object({
      node: z.string(),
      batch: z.number().int(),
      state: jobNodeState,
      basis: z.enum(["reported", "baseline"]).nullable().describe("what the diff was computed on"),
      attempts: z.number().int(),
      firstSentAt: ms.nullable(),
      lastSentAt: ms.nullable(),
      receivedAt: ms.nullable(),
      appliedAt: ms.nullable(),
      finishedAt: ms.nullable(),
      durationMs: ms.nullable(),
      reason: z.string().nullable(),
      step: z.string().nullable(),
    }),
  ),
});
export const jobsAnswer = z.object({ jobs: z.array(jobRow.extend({ counts })) });

export const dryRunAnswer = z.object({
  dryRun: z.literal(true),
  template: z.string(),
  target: z.string(),
  nodes: z.array(
    z.object({
      node: z.string(),
      release: z.string().nullable(),
      basis: z.enum(["reported", "baseline"]),
      skip: z.string().nullable().describe("why the node is left out; null when it gets the job"),
      error: z.string().nullable().describe("the ops would fail on the config the controller knows"),
      ops: z.array(uciOp).describe("secrets masked"),
      reloads: z.array(reload),
      diffs: z.array(z.object({ config: z.string(), diff: z.string().describe("unified diff, secrets masked") })),
      commands: z.array(z.string()).describe("the ops as uci command lines"),
    }),
  ),
});
export const checkAnswer = z.object({ valid: z.boolean(), issues: z.array(issue) });
/** A refused job: the project's error body plus every problem found. */
export const jobRefused = z.object({ code: z.string(), message: z.string(), issues: z.array(issue) });
