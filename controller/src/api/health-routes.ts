import { Hono } from "hono";
import type { ApiDeps } from "../http/deps";

/** `/healthz` (503 when the store cannot write or the ingest's last batch failed) and `/metrics`. */
export function healthRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  app.get("/healthz", async (c) => {
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
  app.get("/metrics", async (c) => c.text(await d.registry.render(), 200, { "content-type": d.registry.contentType }));
  return app;
}
