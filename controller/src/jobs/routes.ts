import { Hono } from "hono";
import { z } from "zod";
import { ERROR_CODES, JOB_NODE_STATES, MeshfleetError, maskSecretFields } from "@meshfleet/shared";
import { publicPlan } from "./plan";
import type { JobService } from "./service";
import type { RolloutState } from "./rollout";
import { jsonBody, notFound, params } from "../http/errors";

const jobIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "invalid job id") });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** A job as the API shows it: parameters masked, per-node states and timings, never the ops' secrets. */
export async function jobView(service: JobService, id: string) {
  const row = await service.repo.job(id);
  const state = await service.repo.rollout(id);
  if (!row || !state) return null;
  const basis = new Map((await service.repo.nodeRows(id)).map((r) => [r.node_id, r.basis]));
  const counts = Object.fromEntries(JOB_NODE_STATES.map((s) => [s, state.nodes.filter((n) => n.state === s).length]));
  // parameters are masked when stored; the walk also masks secret values quoted in reasons
  return maskSecretFields({
    ...row,
    status: state.status,
    reason: state.reason,
    rollout: { policy: state.policy, batch: state.batch, batchCount: state.batchCount, nextBatchAt: state.nextBatchAt },
    counts,
    nodes: state.nodes.map((n) => ({
      node: n.id,
      batch: n.batch,
      state: n.state,
      basis: basis.get(n.id) ?? null,
      attempts: n.attempts,
      firstSentAt: n.firstSentAt,
      lastSentAt: n.lastSentAt,
      receivedAt: n.receivedAt,
      appliedAt: n.appliedAt,
      finishedAt: n.finishedAt,
      durationMs: n.finishedAt !== null && n.firstSentAt !== null ? n.finishedAt - n.firstSentAt : null,
      reason: n.reason,
      step: n.step,
    })),
  });
}

/**
 * `/jobs`: create (or dry-run) configuration jobs, check one without planning it for real
 * (`/jobs/check`: `{ valid, issues }`), list them, show one with its per-node
 * states and timings, cancel and resume. Wi-Fi keys never leave: parameters, UCI ops
 * and diffs are masked (`********`).
 */
export function jobsRoutes(service: JobService): Hono {
  const app = new Hono();

  app.post("/jobs", async (c) => {
    const body = await jsonBody(c);
    const planned = await service.plan(body);
    if (!planned.ok) {
      const msg = planned.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
      return c.json({ code: ERROR_CODES.validation, message: `invalid job: ${msg}`.slice(0, 2000), issues: planned.issues }, 400);
    }
    const dry = c.req.query("dryRun");
    if (dry === "1" || dry === "true") {
      return c.json(maskSecretFields({ dryRun: true, template: planned.value.request.template, target: planned.value.request.target, nodes: planned.plans.map(publicPlan) }));
    }
    const id = await service.create(planned);
    return c.json(await jobView(service, id), 201);
  });

  // "Is this job valid?" answered 200 either way: the dashboard's form asks this first and
  // shows the issues beside its fields, so a typo is not a failed request in the browser.
  app.post("/jobs/check", async (c) => {
    const planned = await service.plan(await jsonBody(c));
    return c.json(planned.ok ? { valid: true, issues: [] } : { valid: false, issues: planned.issues });
  });

  app.get("/jobs", async (c) => {
    const q = listQuery.safeParse(c.req.query());
    const limit = q.success ? q.data.limit : 50;
    const jobs = [];
    for (const j of await service.repo.list(limit)) jobs.push({ ...j, counts: (await jobView(service, j.id))?.counts ?? {} });
    return c.json({ jobs });
  });

  app.get("/jobs/:id", async (c) => {
    const { id } = params(c, jobIdParams);
    const v = await jobView(service, id);
    if (!v) throw notFound(`job ${id}`);
    return c.json(v);
  });

  const action = (name: "cancel" | "resume", ok: (s: RolloutState) => boolean, run: (id: string) => Promise<RolloutState | null>) =>
    app.post(`/jobs/:id/${name}`, async (c) => {
      const { id } = params(c, jobIdParams);
      const before = await service.repo.rollout(id);
      if (!before) throw notFound(`job ${id}`);
      if (!ok(before)) throw new MeshfleetError(ERROR_CODES.conflict, `job ${id} is ${before.status}; cannot ${name}`);
      await run(id);
      return c.json(await jobView(service, id));
    });
  action("cancel", (s) => s.status === "running" || s.status === "halted", (id) => service.cancel(id));
  action("resume", (s) => s.status === "halted", (id) => service.resume(id));

  return app;
}
