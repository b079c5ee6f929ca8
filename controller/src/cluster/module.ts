import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { Controller, ControllerModule } from "../controller";
import { json } from "../http/openapi";

const clusterAnswer = z.object({
  cluster: z
    .object({ id: z.string(), leader: z.boolean(), partitions: z.array(z.number().int()).describe("the partitions this controller holds"), members: z.array(z.string()).describe("the controllers it sees") })
    .nullable()
    .describe("null when it runs alone"),
});
const doc = describeRoute({
  summary: "Several controllers: this one's id, whether it leads, the partitions it holds and the members it sees (cluster null when it runs alone)",
  responses: { 200: json("cluster", clusterAnswer) },
});

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
      app.get("/cluster", doc, (c) => c.json({ cluster: controller?.cluster?.status() ?? null }));
      return app;
    },
    start(c: Controller) {
      controller = c;
    },
  };
}
