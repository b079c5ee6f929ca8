import { Hono } from "hono";
import type { Controller, ControllerModule } from "../controller";

/**
 * `GET /api/cluster`: this controller's share when several run (its id, whether it leads,
 * the partitions it holds, the members it sees); `{ "cluster": null }` when it runs alone.
 */
export function clusterModule(): ControllerModule {
  let controller: Controller | null = null;
  return {
    name: "cluster",
    routes() {
      const app = new Hono();
      app.get("/cluster", (c) => c.json({ cluster: controller?.cluster?.status() ?? null }));
      return app;
    },
    start(c: Controller) {
      controller = c;
    },
  };
}
