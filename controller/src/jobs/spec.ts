import { z } from "zod";
import { isValidNodeId } from "@meshfleet/shared";
import { TEMPLATE_NAMES, TEMPLATES, type Issue } from "./templates/index";

export const rolloutPolicy = z.object({
  /** Nodes that get the job first, alone; the rest waits until they are verified. */
  canary: z.number().int().min(0).max(100).default(1),
  batchSize: z.number().int().min(1).max(10_000).default(5),
  /** Wait between batches. */
  pauseMs: z.number().int().min(0).max(86_400_000).default(0),
  /** The rollout halts when more nodes than this have failed or rolled back. */
  maxFailures: z.number().int().min(0).default(0),
  /** Re-send a job to a node that has not reported any status after this long. */
  resendEveryMs: z.number().int().min(1000).max(3_600_000).default(15_000),
});
export type RolloutPolicy = z.infer<typeof rolloutPolicy>;

export const jobRequest = z.object({
  description: z.string().max(200).optional(),
  template: z.enum(TEMPLATE_NAMES),
  params: z.record(z.string(), z.unknown()).default({}),
  /** `all`, `tag:<tag>`, or node ids separated by commas. */
  target: z.string().min(1).max(4000),
  rollout: rolloutPolicy.default(rolloutPolicy.parse({})),
  verify: z
    .object({
      deadlineMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      minMeshPeers: z.number().int().nonnegative().optional(),
      minNeighbors: z.number().int().nonnegative().optional(),
    })
    .default({ deadlineMs: 60_000 }),
  /** Nodes that have not received the job by then are skipped. */
  expiresInMs: z.number().int().min(60_000).max(30 * 86_400_000).default(86_400_000),
});
export type JobRequest = z.infer<typeof jobRequest>;

export interface FleetNode {
  id: string;
  tags: readonly string[];
}

export type Target = { kind: "all" } | { kind: "tag"; tag: string } | { kind: "nodes"; nodes: string[] };

export function parseTarget(t: string): Target | string {
  const s = t.trim();
  if (s === "all") return { kind: "all" };
  if (s.startsWith("tag:")) {
    const tag = s.slice(4);
    return /^[a-z0-9][a-z0-9_-]{0,31}$/.test(tag) ? { kind: "tag", tag } : `invalid tag ${JSON.stringify(tag.slice(0, 40))}`;
  }
  const nodes = s.split(",").map((x) => x.trim());
  const bad = nodes.find((n) => !isValidNodeId(n));
  return bad === undefined ? { kind: "nodes", nodes: [...new Set(nodes)] } : `invalid node id ${JSON.stringify(bad.slice(0, 70))}`;
}

/** The node ids a target selects, in id order; an issue when it selects none or names unknown nodes. */
export function resolveTarget(target: Target, fleet: readonly FleetNode[]): { nodes: string[]; issues: Issue[] } {
  const known = new Set(fleet.map((n) => n.id));
  if (target.kind === "nodes") {
    const unknown = target.nodes.filter((n) => !known.has(n));
    if (unknown.length > 0) return { nodes: [], issues: [{ path: "target", message: `unknown node(s): ${unknown.join(", ")}` }] };
    return { nodes: [...target.nodes].sort(), issues: [] };
  }
  const nodes = fleet.filter((n) => target.kind === "all" || n.tags.includes(target.tag)).map((n) => n.id).sort();
  return nodes.length === 0 ? { nodes, issues: [{ path: "target", message: target.kind === "all" ? "the fleet has no nodes" : `no node has tag ${target.tag}` }] } : { nodes, issues: [] };
}

/** The fields of `raw` that pass their own schema (defaults filled in), for domain checks on a partly invalid request. */
function validFields(schema: z.ZodType, raw: Record<string, unknown>): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(shape)) {
    const r = field.safeParse(raw[k]);
    if (r.success) out[k] = r.data;
  }
  return out;
}

function zodIssues(err: z.ZodError, prefix: string): Issue[] {
  return err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter((x) => x !== "").join("."), message: i.message }));
}

export type ValidatedJob = { request: JobRequest; params: unknown; nodes: string[] };

/** Validates a job request completely: every problem is listed, each with its path. */
export function validateJobRequest(body: unknown, fleet: readonly FleetNode[]): { ok: true; value: ValidatedJob } | { ok: false; issues: Issue[] } {
  const r = jobRequest.safeParse(body);
  if (!r.success) {
    const issues = zodIssues(r.error, "");
    // Still check the parameters when the template is known, so all problems show at once.
    const b = body as { template?: unknown; params?: unknown } | null;
    const t = typeof b?.template === "string" ? TEMPLATES[b.template] : undefined;
    if (t && b?.params !== null && typeof b?.params === "object" && !issues.some((i) => i.path.startsWith("params"))) {
      const p = t.params.safeParse(b.params);
      if (!p.success) issues.push(...zodIssues(p.error, "params"));
    }
    return { ok: false, issues };
  }
  const req = r.data;
  const issues: Issue[] = [];
  const template = TEMPLATES[req.template]!;
  const p = template.params.safeParse(req.params);
  if (!p.success) issues.push(...zodIssues(p.error, "params"));
  // Domain checks on the valid fields; a field the schema refused already has its issue.
  const domain = template.validate?.((p.success ? p.data : validFields(template.params, req.params)) as never) ?? [];
  issues.push(...domain.filter((d) => !issues.some((i) => i.path === d.path)));
  const target = parseTarget(req.target);
  let nodes: string[] = [];
  if (typeof target === "string") issues.push({ path: "target", message: target });
  else {
    const res = resolveTarget(target, fleet);
    nodes = res.nodes;
    issues.push(...res.issues);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: { request: req, params: p.data, nodes } };
}
