import { Hono } from "hono";
import { z } from "zod";
import { diagArgs, isIpLiteral, nodeId, MeshfleetError, ERROR_CODES } from "@meshfleet/shared";
import type { Controller, ControllerModule } from "../controller";
import type { ApiDeps } from "../api/deps";
import { notFound, params, query } from "../api/errors";
import { DiagService } from "./service";

export const diagBody = z.object({ args: diagArgs, deadlineMs: z.number().int().min(1000).max(60_000).optional() }).strict();
const auditQuery = z.object({ node: nodeId.optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }).strict();

/**
 * Remote diagnostics as a controller module: `POST /api/diag/:id` (operator role) runs
 * one diagnostic on a node and answers with its output and result; `GET /api/diag/audit`
 * lists every request. A target that is not an IP literal must be a fleet node.
 */
export function diagModule(): ControllerModule & { readonly service: () => DiagService | null } {
  let service: DiagService | null = null;
  let deps: ApiDeps | null = null;
  return {
    name: "diag",
    service: () => service,
    routes(d: ApiDeps) {
      deps = d;
      const app = new Hono();
      app.post("/diag/:id", async (c) => {
        const { id } = params(c, z.object({ id: nodeId }));
        if (!d.store.nodes.get(id)) throw notFound(`node ${id}`);
        let raw: unknown;
        try {
          raw = await c.req.json();
        } catch {
          throw new MeshfleetError(ERROR_CODES.validation, "the body is not JSON");
        }
        const parsed = diagBody.safeParse(raw);
        if (!parsed.success) throw new MeshfleetError(ERROR_CODES.validation, `not on the diagnostics list: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
        const target = "target" in parsed.data.args ? parsed.data.args.target : null;
        if (target !== null && !isIpLiteral(target) && !d.store.nodes.get(target)) throw new MeshfleetError(ERROR_CODES.validation, `target ${target} is neither an IP address nor a fleet node`);
        if (!service) throw new MeshfleetError(ERROR_CODES.storage, "diagnostics are not connected to the broker yet");
        const who = (c.get("who" as never) as { name?: string } | undefined)?.name ?? "local";
        return c.json(await service.run(id, parsed.data.args, who, parsed.data.deadlineMs));
      });
      app.get("/diag/audit", (c) => {
        const q = query(c, auditQuery);
        return c.json({ audit: service?.audit(q.limit ?? 100, q.node) ?? [] });
      });
      return app;
    },
    start(controller: Controller) {
      const clock = deps?.clock;
      if (!clock) throw new Error("diagnostics module started before its routes were built");
      service = new DiagService({ nc: controller.nc, store: controller.store, now: () => clock.now() });
    },
  };
}
