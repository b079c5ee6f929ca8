import * as z from "zod/mini";
import { NODE_ID_PATTERN } from "../subjects";

/*
 * The few field schemas that both the snapshot (controller side) and the messages a node
 * validates on arrival (jobs, diagnostics) use. They are built with `zod/mini`, as are
 * job.ts and diag.ts, so that the agent bundle validates its incoming messages without
 * loading classic zod; classic schemas wrap them with `z.optional(nodeId)`,
 * `z.nullable(shortText)`.
 */
export const nodeId = z.string().check(z.regex(NODE_ID_PATTERN, "node id must be a lower-case hostname (a-z, 0-9, - and _, up to 63 characters)"));
/** Milliseconds since the epoch. */
export const epochMs = z.int().check(z.nonnegative());
export const shortText = z.string().check(z.maxLength(256));
export const wireError = z.object({ code: z.string().check(z.maxLength(64)), message: z.string().check(z.maxLength(2000)) });
