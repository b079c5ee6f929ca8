import { Hono } from "hono";
import { z } from "zod";
import { ALERT_CODES, nodeId } from "@meshfleet/shared";
import type { DetectionService } from "./service";
import { EVENT_CODES } from "./types";
import { alertControlRoutes } from "./alert-controls";
import { notFound, params, query } from "../http/errors";

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

  app.get("/events", async (c) => {
    const q = query(c, eventsQuery);
    return c.json({ events: await service.repo.events(q) });
  });

  app.get("/alerts", async (c) => {
    const q = query(c, alertsQuery);
    return c.json({ alerts: await service.alerts.list(q) });
  });

  app.get("/alerts/:id", async (c) => {
    const { id } = params(c, alertParams);
    const a = await service.alerts.byId(id);
    if (!a) throw notFound(`alert ${id}`);
    return c.json({ alert: a, events: await service.repo.eventsByIds(a.evidence.eventIds) });
  });

  app.get("/convergence", async (c) => {
    const q = query(c, convergenceQuery);
    const open = service.openIncident();
    return c.json({
      incidents: await service.incidents(q),
      open: open ? { startTs: open.startTs, trigger: open.trigger, nodes: Object.keys(open.nodes).sort(), changes: open.changes } : null,
    });
  });

  // The thresholds with the scores, so a churn plot can draw where an alert opens and resolves.
  app.get("/churn", (c) => {
    const { openAbove, resolveBelow, halfLifeMs } = service.cfg.churn;
    return c.json({ ...service.scores(), thresholds: { openAbove, resolveBelow, halfLifeMs } });
  });
  return app;
}
