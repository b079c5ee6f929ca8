import { toWireError, type Reload, type UciOp } from "@meshfleet/shared";
import { applyUciOps, configsOf, describeUciOp, serializeUci, type UciPackage } from "@meshfleet/uci";
import { planBasePackage } from "./baseline";
import { unifiedDiff } from "./diff";
import { maskOps, maskPackage } from "./mask";
import type { JobTemplate, NodeContext } from "./templates/index";

/** What a job does on one node. `ops` hold secrets: never return them unmasked. */
export interface NodePlan {
  node: string;
  release: string | null;
  /** What the diff was computed on: the node's reported wireless config, or the release's defaults. */
  basis: "reported" | "baseline";
  /** Why the node is left out (no matching interface, ...); null when it gets the job. */
  skip: string | null;
  /** The ops would fail on the config the controller knows (the agent would refuse them too). */
  error: string | null;
  ops: UciOp[];
  reloads: Reload[];
  /** Unified diff per affected config file, secrets masked. */
  diffs: { config: string; diff: string }[];
}

/** Renders the template for one node and simulates the ops with the agent's own UCI engine. */
export function planNode(template: JobTemplate<never>, params: unknown, node: NodeContext): NodePlan {
  const base: NodePlan = { node: node.id, release: node.release, basis: node.baseline ? "baseline" : "reported", skip: null, error: null, ops: [], reloads: [], diffs: [] };
  const r = template.render(params as never, node);
  if ("skip" in r) return { ...base, skip: r.skip };
  const plan: NodePlan = { ...base, ops: r.ops, reloads: r.reloads };
  const before: Record<string, UciPackage> = {};
  for (const c of configsOf(r.ops)) before[c] = planBasePackage(c, node.release, node.wireless);
  try {
    const after = applyUciOps(before, r.ops, { createMissing: true });
    plan.diffs = configsOf(r.ops).map((c) => ({
      config: c,
      diff: unifiedDiff(c, serializeUci(maskPackage(before[c]!)), serializeUci(maskPackage(after[c] ?? before[c]!))),
    }));
  } catch (e) {
    plan.error = toWireError(e).message;
  }
  return plan;
}

/** The plan as the API shows it: ops masked and spelled like the uci command line. */
export function publicPlan(p: NodePlan): Omit<NodePlan, "ops"> & { ops: UciOp[]; commands: string[] } {
  const ops = maskOps(p.ops);
  return { ...p, ops, commands: ops.map(describeUciOp) };
}
