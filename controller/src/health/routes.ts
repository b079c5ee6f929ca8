import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { ApiDeps } from "../http/deps";
import { json } from "../http/openapi";

export const healthAnswer = z.object({
  status: z.enum(["ok", "unhealthy"]),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});

/** `/healthz`: 503 when the store cannot write, the ingest's last batch failed or NATS is down. */
export function healthRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  const doc = describeRoute({ summary: "Health: store writable, ingest committing, NATS connected", responses: { 200: json("healthy", healthAnswer), 503: json("unhealthy", healthAnswer) } });
  app.get("/healthz", doc, async (c) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    const w = await d.store.checkWritable();
    checks.store = w.ok ? { ok: true } : { ok: false, detail: w.error.slice(0, 300) };
    if (d.ingest) {
      const e = d.ingest.lastStoreError;
      checks.ingest = e === null ? { ok: true } : { ok: false, detail: e.slice(0, 300) };
    }
    if (d.natsConnected) checks.nats = { ok: d.natsConnected() };
    const ok = Object.values(checks).every((x) => x.ok);
    return c.json({ status: ok ? "ok" : "unhealthy", checks }, ok ? 200 : 503);
  });
  return app;
}
