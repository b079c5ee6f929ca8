import { z } from "zod";
import { reload, uciOp } from "@meshfleet/shared";
import type { JobTemplate } from "./types";

export const rawParams = z.strictObject({
  ops: z.array(uciOp).min(1).max(512),
  reloads: z.array(reload).max(8).default([]),
});
export type RawParams = z.infer<typeof rawParams>;

/** UCI operations as given (validated by the wire schema; values stored literally). */
export const rawTemplate: JobTemplate<RawParams> = {
  name: "raw",
  description: "raw UCI operations (set, delete, add_list, del_list, section) and the reloads they need",
  params: rawParams,
  secretParams: [],
  render(p) {
    return { ops: p.ops, reloads: [...new Set(p.reloads)] };
  },
};
