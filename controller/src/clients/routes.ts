import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { MAC_PATTERN } from "@meshfleet/shared";
import type { ApiDeps } from "../http/deps";
import { notFound } from "../http/errors";
import { error, json, valid } from "../http/openapi";
import { clientHistoryAnswer, clientsAnswer, roamingAnswer } from "./api-schemas";
import type { DetectRepository } from "../detect/repo";
import { JobsRepository } from "../jobs/repo";
import { clientHistory } from "./history";
import { searchClients } from "./lookup";
import { roamingQuality } from "./roaming";

const ms = z.coerce.number().int().nonnegative();
export const clientsQuery = z.object({ q: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }).strict();
export const clientParams = z.object({ mac: z.string().toLowerCase().regex(MAC_PATTERN, "a client is named by its MAC (aa:bb:cc:dd:ee:ff)") });
export const clientQuery = z.object({ from: ms.optional(), to: ms.optional() }).strict();
export const roamingQuery = z
  .object({
    from: ms.optional(),
    to: ms.optional(),
    slowMs: z.coerce.number().int().min(1).max(600_000).optional(),
    job: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional().describe("compare the window before the job started with the window after it finished"),
    windowMs: z.coerce.number().int().min(60_000).max(30 * 86_400_000).optional(),
  })
  .strict();

const DAY = 86_400_000;

/**
 * Clients (station MACs): `GET /clients?q=` (search by MAC, hostname or IP),
 * `GET /clients/:mac` (where it was, signal and rates over time, roams with their gaps,
 * hostname/IP, first/last seen) and `GET /roaming` (roaming quality fleet-wide and per
 * AP pair, 802.11r per SSID from the config of the window's time; `?job=` for before/after
 * a configuration job).
 */
export function clientRoutes(d: ApiDeps, events: DetectRepository): Hono {
  const app = new Hono();
  const jobs = new JobsRepository(d.store);

  const list = describeRoute({ summary: "Clients the fleet knows now (associated stations and DHCP leases), searched by MAC, hostname or IP", responses: { 200: json("clients", clientsAnswer), 400: error("invalid parameters") } });
  app.get("/clients", list, valid("query", clientsQuery), async (c) => {
    const q = c.req.valid("query");
    return c.json({ clients: await searchClients(d.store, q.q ?? "", q.limit ?? 100) });
  });

  const one = describeRoute({
    summary: "One client over a window: AP/node and band over time, signal and rates per snapshot, roams with their gap, hostname/IP, first/last seen",
    responses: { 200: json("client history", clientHistoryAnswer), 400: error("invalid MAC or parameters"), 404: error("client never seen") },
  });
  app.get("/clients/:mac", one, valid("param", clientParams), valid("query", clientQuery), async (c) => {
    const { mac } = c.req.valid("param");
    const q = c.req.valid("query");
    const to = q.to ?? d.clock.now();
    const from = q.from ?? to - 3600_000;
    const h = await clientHistory(d.store, events, mac, Math.min(from, to), to);
    if (h.firstSeen === null && h.now === null && h.hostname === null) throw notFound(`client ${mac}`);
    return c.json(h);
  });

  const roaming = describeRoute({
    summary: "Roaming quality fleet-wide and per AP pair (roams, median/p95 gap, slow and failed roams, 802.11r per SSID from the config the nodes had reported by the window's end, its time in configAt); ?job= gives before/after a job",
    responses: { 200: json("roaming quality (one window, or before/after a job)", roamingAnswer), 400: error("invalid parameters"), 404: error("unknown job") },
  });
  app.get("/roaming", roaming, valid("query", roamingQuery), async (c) => {
    const q = c.req.valid("query");
    const slowMs = q.slowMs ?? 2000;
    const now = d.clock.now();
    // 802.11r per SSID is judged by the config each node had reported by the window's end
    // (before a job: by its start; after it: by the end of the after window, or now).
    const window = async (from: number, to: number) => {
      const configAt = Math.min(to, now);
      const evs = [];
      for (const code of ["station_roamed", "station_left"]) evs.push(...(await events.events({ code, since: from, until: to, limit: 5000 })));
      return { ...roamingQuality(evs, await jobs.wirelessAt(configAt), { from, to, slowMs }), configAt };
    };
    if (q.job) {
      const job = await jobs.job(q.job);
      if (!job) throw notFound(`job ${q.job}`);
      const span = q.windowMs ?? 3600_000;
      const end = job.finishedAt ?? now;
      return c.json({ job: { id: job.id, createdAt: job.createdAt, finishedAt: job.finishedAt, template: job.template }, before: await window(job.createdAt - span, job.createdAt), after: await window(end, end + span) });
    }
    const to = q.to ?? now;
    return c.json(await window(q.from ?? to - DAY, to));
  });
  return app;
}
