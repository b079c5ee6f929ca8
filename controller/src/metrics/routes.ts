import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { ApiDeps } from "../http/deps";
import { text } from "../http/openapi";

/** `/metrics`: the Prometheus registry in the text exposition format. */
export function metricsRoutes(d: ApiDeps): Hono {
  const app = new Hono();
  const doc = describeRoute({ summary: "Prometheus metrics", responses: { 200: text("text exposition format", "text/plain") } });
  app.get("/metrics", doc, async (c) => c.text(await d.registry.render(), 200, { "content-type": d.registry.contentType }));
  return app;
}
