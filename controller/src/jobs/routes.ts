import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { ERROR_CODES, JOB_NODE_STATES, MeshfleetError, maskSecretFields } from "@meshfleet/shared";
import { publicPlan } from "./plan";
import type { JobService } from "./service";
import type { RolloutState } from "./rollout";
import { jsonBody, notFound } from "../http/errors";
import { documentedBody, error, json, valid } from "../http/openapi";
import { checkAnswer, createQuery, dryRunAnswer, jobAnswer, jobIdParams, jobRefused, jobsAnswer, listQuery } from "./api-schemas";
import { jobRequest } from "./spec";

const listLimit = z.coerce.number().int().min(1).max(500);

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

  // The body is the job request (jobRequest); the job service validates it (with each
  // template's parameters) and answers every problem in `issues`, so it is documented here
  // from that schema but read as JSON, not through the route validator.
  const create = describeRoute({
    summary: "Create a configuration job (template + parameters or raw UCI ops, target, rollout policy, verification); ?dryRun=1 returns the per-node plan and diffs without touching anything",
    requestBody: documentedBody(jobRequest),
    responses: { 201: json("the created job", jobAnswer), 200: json("the dry-run plan", dryRunAnswer), 400: json("every problem listed in `issues`", jobRefused) },
  });
  app.post("/jobs", create, valid("query", createQuery), async (c) => {
    const body = await jsonBody(c);
    const planned = await service.plan(body);
    if (!planned.ok) {
      const msg = planned.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
      return c.json({ code: ERROR_CODES.validation, message: `invalid job: ${msg}`.slice(0, 2000), issues: planned.issues }, 400);
    }
    const dry = c.req.valid("query").dryRun;
    if (dry === "1" || dry === "true") {
      return c.json(maskSecretFields({ dryRun: true, template: planned.value.request.template, target: planned.value.request.target, nodes: planned.plans.map(publicPlan) }));
    }
    const id = await service.create(planned);
    return c.json(await jobView(service, id), 201);
  });

  // "Is this job valid?" answered 200 either way: the dashboard's form asks this first and
  // shows the issues beside its fields, so a typo is not a failed request in the browser.
  const check = describeRoute({
    summary: "Validate a job request without creating it: 200 with { valid, issues } (the same issues a create would refuse with)",
    requestBody: documentedBody(jobRequest),
    responses: { 200: json("valid, or the issues", checkAnswer), 400: error("the body is not JSON") },
  });
  app.post("/jobs/check", check, async (c) => {
    const planned = await service.plan(await jsonBody(c));
    return c.json(planned.ok ? { valid: true, issues: [] } : { valid: false, issues: planned.issues });
  });

  const list = describeRoute({ summary: "Jobs, newest first", responses: { 200: json("jobs", jobsAnswer) } });
  app.get("/jobs", list, valid("query", listQuery), async (c) => {
    const q = listLimit.safeParse(c.req.valid("query").limit ?? 50);
    const limit = q.success ? q.data : 50;
    const jobs = [];
    for (const j of await service.repo.list(limit)) jobs.push({ ...j, counts: (await jobView(service, j.id))?.counts ?? {} });
    return c.json({ jobs });
  });

  const one = describeRoute({ summary: "One job with per-node states and timings (keys masked)", responses: { 200: json("the job", jobAnswer), 400: error("invalid job id"), 404: error("unknown job") } });
  app.get("/jobs/:id", one, valid("param", jobIdParams), async (c) => {
    const { id } = c.req.valid("param");
    const v = await jobView(service, id);
    if (!v) throw notFound(`job ${id}`);
    return c.json(v);
  });

  const action = (name: "cancel" | "resume", ok: (s: RolloutState) => boolean, run: (id: string) => Promise<RolloutState | null>) => {
    const doc = describeRoute({
      summary: `${name === "cancel" ? "Cancel" : "Resume"} a job`,
      responses: { 200: json("the job", jobAnswer), 400: error("invalid job id"), 404: error("unknown job"), 409: error(`the job cannot be ${name === "cancel" ? "cancelled" : "resumed"} in its state`) },
    });
    app.post(`/jobs/:id/${name}`, doc, valid("param", jobIdParams), async (c) => {
      const { id } = c.req.valid("param");
      const before = await service.repo.rollout(id);
      if (!before) throw notFound(`job ${id}`);
      if (!ok(before)) throw new MeshfleetError(ERROR_CODES.conflict, `job ${id} is ${before.status}; cannot ${name}`);
      await run(id);
      return c.json(await jobView(service, id));
    });
  };
  action("cancel", (s) => s.status === "running" || s.status === "halted", (id) => service.cancel(id));
  action("resume", (s) => s.status === "halted", (id) => service.resume(id));

  return app;
}
