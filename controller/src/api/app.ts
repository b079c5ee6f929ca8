import { Hono } from "hono";
import { describeRoute, generateSpecs } from "hono-openapi";
import { z } from "zod";
import { ERROR_CODES } from "@meshfleet/shared";
import type { ApiDeps } from "../http/deps";
import { errorHandler } from "../http/errors";
import { healthRoutes } from "../health/routes";
import { metricsRoutes } from "../metrics/routes";
import { nodesRoutes } from "../nodes/routes";
import { historyRoutes } from "../history/routes";
import { seriesRoutes } from "../history/series-routes";
import { topologyRoutes } from "../topology/routes";
import { errorBody, json } from "../http/openapi";
import { bodyLimit } from "hono/body-limit";
import { requireToken } from "../auth/middleware";

export type { ApiDeps } from "../http/deps";

/**
 * The controller's HTTP API. Each feature's routes live in its folder (nodes, history,
 * topology, health, metrics here; the modules' own in `deps.routes`) and are mounted
 * under /api, one line each (`app.route("/api", xRoutes(deps))`).
 */
export function createApi(deps: ApiDeps): Hono {
  const app = new Hono();
  app.onError(errorHandler(deps.log));
  app.notFound((c) => c.json({ code: ERROR_CODES.notFound, message: `no route for ${c.req.method} ${c.req.path}` }, 404));

  if (deps.auth === "tokens") {
    const guard = requireToken(deps.store);
    app.use("/api/*", guard);
    app.use("/metrics", guard);
  }
  app.use("/api/*", bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.json({ code: ERROR_CODES.tooLarge, message: "request body over 256 KiB" }, 413) }));
  let doc: Promise<Record<string, unknown>> | null = null;
  const docRoute = describeRoute({ summary: "This document, generated from the routes' own schemas", responses: { 200: json("OpenAPI 3.1", z.record(z.string(), z.unknown())) } });
  app.get("/api/openapi.json", docRoute, async (c) => c.json(await (doc ??= openApiDocument(app))));
  app.route("/", healthRoutes(deps));
  app.route("/", metricsRoutes(deps));
  app.route("/api", nodesRoutes(deps));
  app.route("/api", seriesRoutes(deps));
  app.route("/api", historyRoutes(deps));
  app.route("/api", topologyRoutes(deps));
  for (const r of deps.routes ?? []) app.route("/api", r);
  for (const r of deps.rootRoutes ?? []) app.route("/", r);
  return app;
}

/**
 * The OpenAPI 3.1 document of the routes the app serves, generated from each route's
 * declaration (`describeRoute` with its answers, `valid(...)` with its parameters and body).
 */
export async function openApiDocument(app: Hono): Promise<Record<string, unknown>> {
  const generated = await generateSpecs(app, {
    documentation: { info: { title: "meshfleet controller API", description: "Every route the controller serves, with its parameters, body and answers", version: "1" } },
    excludeStaticFile: false,
    // A route that validates but names no 400 answer still answers the project's error body.
    defaultValidationErrorResponse: { description: "invalid parameters or body", content: { "application/json": { schema: z.toJSONSchema(errorBody) as never } } },
  });
  return generated as unknown as Record<string, unknown>;
}
