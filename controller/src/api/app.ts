import { Hono } from "hono";
import { ERROR_CODES } from "@meshfleet/shared";
import type { ApiDeps } from "../http/deps";
import { errorHandler } from "../http/errors";
import { healthRoutes } from "../health/routes";
import { metricsRoutes } from "../metrics/routes";
import { nodesRoutes } from "../nodes/routes";
import { historyRoutes } from "../history/routes";
import { seriesRoutes } from "../history/series-routes";
import { topologyRoutes } from "../topology/routes";
import { openApiDocument } from "./openapi";
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
  const doc = openApiDocument();
  app.get("/api/openapi.json", (c) => c.json(doc));
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
