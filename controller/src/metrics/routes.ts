import { Hono } from "hono";
import type { ApiDeps } from "../http/deps";

/** `/metrics`: the Prometheus registry in the text exposition format. */
export function metricsRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  app.get("/metrics", async (c) => c.text(await d.registry.render(), 200, { "content-type": d.registry.contentType }));
  return app;
}
