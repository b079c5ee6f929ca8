import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { ALERT_CODES, nodeId, ValidationError } from "@meshfleet/shared";
import type { DetectionService } from "./service";
import { notFound } from "../http/errors";
import { error, json, valid } from "../http/openapi";
import { oneAlert, oneSilence, silencesAnswer, silencesQuery } from "./api-schemas";

const who = z.string().min(1).max(128).default("api");
export const ackBody = z.object({ by: who }).strict();
export const silenceBody = z
  .object({
    kind: z.enum(["silence", "maintenance"]).default("silence"),
    node: z.optional(nodeId),
    code: z.enum(ALERT_CODES).optional(),
    subject: z.string().min(1).max(256).optional(),
    /** A silence from now for this long, or a window [fromTs, untilTs). */
    durationMs: z.number().int().positive().max(366 * 24 * 3600_000).optional(),
    fromTs: z.number().int().nonnegative().optional(),
    untilTs: z.number().int().positive().optional(),
    reason: z.string().min(1).max(500),
    by: who,
  })
  .strict();
const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Who acts: the API token's name when the API requires tokens (a `by` in the body is then ignored); `by` only without tokens (local use). */
function actor(c: Context, by: string): string {
  return (c.get("who" as never) as { token?: string } | undefined)?.token ?? by;
}

/**
 * Operator controls: `POST /alerts/:id/ack` (who, when), `GET/POST /alerts/silences`
 * (silence by node, code or subject for a duration, or a maintenance window with a start
 * and an end), `DELETE /alerts/silences/:id` (ends it now). A silenced alert is recorded
 * and listed, but not notified.
 */
export function alertControlRoutes(service: DetectionService, now: () => number): Hono {
  const app = new Hono();
  const list = describeRoute({ summary: "Active silences and maintenance windows (?all=1: also ended ones)", responses: { 200: json("silences", silencesAnswer) } });
  app.get("/alerts/silences", list, valid("query", silencesQuery), async (c) => c.json({ silences: await service.silences.list(now(), c.req.valid("query").all === "1") }));

  const create = describeRoute({
    summary: "Silence alerts by node, code or subject for a duration, or a maintenance window [fromTs, untilTs): silenced alerts are recorded but not notified",
    responses: { 201: json("the silence", oneSilence), 400: error("no node, code or subject; no end; or an end before the start") },
  });
  app.post("/alerts/silences", create, valid("json", silenceBody), async (c) => {
    const b = c.req.valid("json");
    if (!b.node && !b.code && !b.subject) throw new ValidationError("a silence needs node, code or subject (silencing everything is not an option)");
    const t = now();
    const fromTs = b.fromTs ?? t;
    const untilTs = b.untilTs ?? (b.durationMs !== undefined ? fromTs + b.durationMs : null);
    if (untilTs === null) throw new ValidationError("give durationMs or untilTs");
    if (untilTs <= fromTs) throw new ValidationError("untilTs must be after fromTs");
    const s = await service.silences.create({ kind: b.kind, node: b.node ?? null, code: b.code ?? null, subject: b.subject ?? null, fromTs, untilTs, reason: b.reason, createdBy: actor(c, b.by), createdAt: t });
    await service.alerts.refreshSilences(t);
    return c.json({ silence: s }, 201);
  });

  const end = describeRoute({ summary: "End a silence now", responses: { 200: json("the silence", oneSilence), 400: error("invalid silence id"), 404: error("unknown silence") } });
  app.delete("/alerts/silences/:id", end, valid("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const s = await service.silences.expire(id, now());
    await service.alerts.refreshSilences(now());
    if (!s) throw notFound(`silence ${id}`);
    return c.json({ silence: s });
  });

  const ack = describeRoute({
    summary: "Acknowledge an alert (operator role): who and when are recorded; the actor is the API token's name",
    responses: { 200: json("the alert", oneAlert), 400: error("invalid id or body"), 404: error("unknown alert") },
  });
  app.post("/alerts/:id/ack", ack, valid("param", idParam), valid("json", ackBody), async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    const a = await service.inTransaction(() => service.alerts.ack(id, actor(c, b.by), now()));
    if (!a) throw notFound(`alert ${id}`);
    return c.json({ alert: a });
  });
  return app;
}
