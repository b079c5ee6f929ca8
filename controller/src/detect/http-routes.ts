import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { ALERT_CODES, nodeId } from "@meshfleet/shared";
import type { DetectionService } from "./service";
import { EVENT_CODES } from "./types";
import { alertControlRoutes } from "./alert-controls";
import { notFound } from "../http/errors";
import { error, json, valid } from "../http/openapi";
import { alertAnswer, alertsAnswer, churnAnswer, convergenceAnswer, eventsAnswer } from "./api-schemas";

const ms = z.coerce.number().int().nonnegative();
const limit = z.coerce.number().int().min(1).max(5000).optional();

export const eventsQuery = z.object({ node: z.optional(nodeId), code: z.enum(EVENT_CODES).optional(), subject: z.string().max(256).optional(), since: ms.optional(), until: ms.optional(), limit });
export const alertsQuery = z.object({ state: z.enum(["open", "resolved"]).optional(), node: z.optional(nodeId), code: z.enum(ALERT_CODES).optional(), since: ms.optional(), limit });
export const convergenceQuery = z.object({ node: z.optional(nodeId), since: ms.optional(), limit });
const alertParams = z.object({ id: z.coerce.number().int().positive() });

/**
 * Detection and alerting API: `GET /events`, `/alerts`, `/alerts/:id` (with the evidence
 * events), `/convergence` (incidents and the one in progress), `/churn` (scores now).
 */
export function eventsAlertsRoutes(service: DetectionService, now: () => number = () => Date.now()): Hono {
  const app = new Hono();
  app.route("/", alertControlRoutes(service, now));

  const events = describeRoute({ summary: "Events derived from consecutive snapshots, newest first", responses: { 200: json("events", eventsAnswer), 400: error("invalid parameters") } });
  app.get("/events", events, valid("query", eventsQuery), async (c) => {
    const q = c.req.valid("query");
    return c.json({ events: await service.repo.events(q) });
  });

  const alerts = describeRoute({ summary: "Alerts (open and resolved) with their evidence ids", responses: { 200: json("alerts", alertsAnswer), 400: error("invalid parameters") } });
  app.get("/alerts", alerts, valid("query", alertsQuery), async (c) => {
    const q = c.req.valid("query");
    return c.json({ alerts: await service.alerts.list(q) });
  });

  const one = describeRoute({ summary: "One alert with its evidence events and score history", responses: { 200: json("alert", alertAnswer), 400: error("invalid alert id"), 404: error("unknown alert") } });
  app.get("/alerts/:id", one, valid("param", alertParams), async (c) => {
    const { id } = c.req.valid("param");
    const a = await service.alerts.byId(id);
    if (!a) throw notFound(`alert ${id}`);
    return c.json({ alert: a, events: await service.repo.eventsByIds(a.evidence.eventIds) });
  });

  const convergence = describeRoute({ summary: "Convergence incidents (and the one in progress)", responses: { 200: json("incidents", convergenceAnswer), 400: error("invalid parameters") } });
  app.get("/convergence", convergence, valid("query", convergenceQuery), async (c) => {
    const q = c.req.valid("query");
    const open = service.openIncident();
    return c.json({
      incidents: await service.incidents(q),
      open: open ? { startTs: open.startTs, trigger: open.trigger, nodes: Object.keys(open.nodes).sort(), changes: open.changes } : null,
    });
  });

  // The thresholds with the scores, so a churn plot can draw where an alert opens and resolves.
  const churn = describeRoute({ summary: "Current churn scores per route, mesh path, neighbour, node and link, with the thresholds", responses: { 200: json("scores", churnAnswer) } });
  app.get("/churn", churn, (c) => {
    const { openAbove, resolveBelow, halfLifeMs } = service.cfg.churn;
    return c.json({ ...service.scores(), thresholds: { openAbove, resolveBelow, halfLifeMs } });
  });
  return app;
}
