import type { z } from "zod";
import type { Reload, UciOp, WirelessConfig } from "@meshfleet/shared";

/** What the planner knows about one node when it renders a job for it. */
export interface NodeContext {
  id: string;
  /** OpenWrt release from the hello (null when unknown). */
  release: string | null;
  /** The node's wireless config from its latest snapshot, or the release's baseline. */
  wireless: WirelessConfig;
  /** True when `wireless` is the baseline because the node has not reported its own. */
  baseline: boolean;
}

export interface Issue {
  path: string;
  message: string;
}

export type Rendered = { ops: UciOp[]; reloads: Reload[] } | { skip: string };

export interface JobTemplate<P = unknown> {
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  /** Parameter names holding secrets (masked in the API and logs). */
  readonly secretParams: readonly string[];
  /**
   * Domain checks beyond the schema (every problem, each with its path under `params`).
   * Also called when some fields failed the schema, with only the valid ones, so that
   * one answer lists every problem.
   */
  validate?(params: Partial<P>): Issue[];
  render(params: P, node: NodeContext): Rendered;
}

/** What a secret's value is shown as; which options hold secrets: `isSecretName` in @meshfleet/shared. */
export { SECRET_MASK as MASK } from "@meshfleet/shared";
