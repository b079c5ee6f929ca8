import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { streamSSE } from "hono/streaming";
import { errorCode, nodeId, MeshfleetError, ERROR_CODES, DIAG_LIMITS, DIAG_PATTERNS, type DiagKind, type ErrorCode } from "@meshfleet/shared";
import type { Controller, ControllerModule } from "../controller";
import type { ApiDeps } from "../http/deps";
import { documentedBody, error, json, pathParam, valid } from "../http/openapi";
import { auditAnswer, auditQuery, commandsAnswer, diagAnswer, diagBody, diagParams } from "./api-schemas";
import { DiagAuditRepository } from "./audit-repo";
import { DiagService } from "./service";
import { resolveTarget } from "./target";

export { auditQuery, diagBody } from "./api-schemas";

/**
 * The diagnostics list as forms need it: each kind's arguments with their bounds and
 * defaults (the schema in shared is what validates; this only describes it).
 */
export const DIAG_COMMANDS: { kind: DiagKind; title: string; args: { name: string; type: "target" | "int" | "iface" | "prefix"; min?: number; max?: number; default?: number | string }[] }[] = [
  { kind: "ping", title: "ping (IPv4)", args: [{ name: "target", type: "target" }, { name: "count", type: "int", min: DIAG_LIMITS.count[0], max: DIAG_LIMITS.count[1], default: 4 }, { name: "size", type: "int", min: DIAG_LIMITS.size[0], max: DIAG_LIMITS.size[1], default: 56 }] },
  { kind: "ping6", title: "ping6 (IPv6)", args: [{ name: "target", type: "target" }, { name: "count", type: "int", min: DIAG_LIMITS.count[0], max: DIAG_LIMITS.count[1], default: 4 }, { name: "size", type: "int", min: DIAG_LIMITS.size[0], max: DIAG_LIMITS.size[1], default: 56 }] },
  { kind: "traceroute", title: "traceroute", args: [{ name: "target", type: "target" }, { name: "maxHops", type: "int", min: DIAG_LIMITS.maxHops[0], max: DIAG_LIMITS.maxHops[1], default: 16 }] },
  { kind: "mpath", title: "mesh paths (iw mpath dump)", args: [{ name: "iface", type: "iface", default: "mesh0" }] },
  { kind: "stations", title: "stations (iw station dump)", args: [{ name: "iface", type: "iface", default: "wlan0" }] },
  { kind: "route", title: "route for a prefix (birdc show route for; babeld: ip route show match … proto babel)", args: [{ name: "prefix", type: "prefix" }] },
  { kind: "scan", title: "Wi-Fi scan (iw scan)", args: [{ name: "iface", type: "iface", default: "wlan0" }] },
  { kind: "iperf3", title: "throughput to a node (iperf3; the server side runs on the target)", args: [{ name: "target", type: "target" }, { name: "durationSec", type: "int", min: DIAG_LIMITS.durationSec[0], max: DIAG_LIMITS.durationSec[1], default: 5 }] },
];

/**
 * Remote diagnostics as a controller module: `POST /api/diag/:id` (operator role) runs
 * one diagnostic on a node and answers with its output and result, or, asked with
 * `Accept: text/event-stream`, streams it as server-sent events (`accepted` with the argv,
 * `output` chunks as the node prints them, `result`); `GET /api/diag/audit` lists every
 * request, `GET /api/diag/commands` the list. A target that is not an IP literal must be
 * a fleet node: it is resolved to the node's address (`resolveTarget`), the router gets
 * that IP literal, and the result (`resolved`) and the audit (`address`) say which. An iperf3 test to a fleet node starts its server side on that node first
 * (the result's `server`); the server side alone is not asked for.
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
      const audit = new DiagAuditRepository(d.store.sql);
      // The handler validates the node id and the body itself: every refusal is audited
      // before it is answered, so the body is documented from diagBody, not validated by the route.
      const run = describeRoute({
        summary:
          "Run one diagnostic from the fixed list on a node now (operator role; audited, refusals too). With Accept: text/event-stream the answer streams as events: accepted {argv}, output {text} as the node prints it, result (the JSON answer)",
        parameters: [pathParam("id", diagParams.shape.id)],
        requestBody: documentedBody(diagBody),
        responses: {
          200: { description: "the result (output, exit code, argv, result: done | refused | timeout | failed), or its event stream", content: { ...json("the result", diagAnswer).content, "text/event-stream": { schema: { type: "string" } } } },
          400: error("not on the diagnostics list, or a target that is neither an IP address nor a fleet node"),
          404: error("unknown node"),
          409: error("a diagnostic is already running on the node"),
          503: error("diagnostics are not connected to the broker yet"),
        },
      });
      app.post("/diag/:id", run, async (c) => {
        // The audit names the API token (its name, and its id since names may repeat).
        const asker = c.get("who" as never) as { name?: string; token?: string } | undefined;
        const who = asker?.token ? `${asker.token} (${asker.name?.replace(/^token:/, "") ?? "?"})` : (asker?.name ?? "local");
        const asked = c.req.param("id");
        let raw: unknown = null;
        // Every refusal is audited (who, what, when, why) before it is answered.
        const refuse = async (code: ErrorCode, message: string): Promise<never> => {
          await audit.refusal({ node: asked, raw: (raw as { args?: unknown } | null)?.args ?? raw, who, at: d.clock.now(), code, reason: message });
          throw new MeshfleetError(code, message);
        };
        try {
          raw = await c.req.json();
        } catch {
          raw = "(not JSON)";
          return refuse(ERROR_CODES.validation, "the body is not JSON");
        }
        const idOk = nodeId.safeParse(asked);
        if (!idOk.success) return refuse(ERROR_CODES.validation, `invalid path parameters: id: ${idOk.error.issues[0]?.message ?? "not a node id"}`);
        const id = idOk.data;
        if (!(await d.store.nodes.get(id))) return refuse(ERROR_CODES.notFound, `node ${id} not found`);
        const parsed = diagBody.safeParse(raw);
        if (!parsed.success) return refuse(ERROR_CODES.validation, `not on the diagnostics list: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
        if (parsed.data.args.kind === "iperf3-server") return refuse(ERROR_CODES.validation, "iperf3-server is started on the target of an iperf3 test between two nodes, not asked for alone");
        const target = "target" in parsed.data.args ? parsed.data.args.target : null;
        // A fleet node name must resolve to an address the node reported (the router is given that address).
        try {
          await resolveTarget(d.store, parsed.data.args);
        } catch (e) {
          if (errorCode(e) === ERROR_CODES.validation) return refuse(ERROR_CODES.validation, (e as Error).message);
          throw e;
        }
        const svc = service;
        if (!svc || svc.disconnected()) return refuse(ERROR_CODES.unavailable, "diagnostics are not connected to the broker");
        if (svc.busy(id)) return refuse(ERROR_CODES.conflict, `a diagnostic is already running on ${id}`);
        if (parsed.data.args.kind === "iperf3" && target !== null && svc.busy(target)) return refuse(ERROR_CODES.conflict, `a diagnostic is already running on ${target}, the iperf3 test's server side`);
        if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
          try {
            return c.json(await svc.run(id, parsed.data.args, who, parsed.data.deadlineMs));
          } catch (e) {
            // Another request took the node (or the iperf3 target) since the check above.
            if (errorCode(e) === ERROR_CODES.conflict) return refuse(ERROR_CODES.conflict, (e as Error).message);
            throw e;
          }
        }
        return streamSSE(c, async (stream) => {
          // Events are written in the order the node's answers arrive.
          let chain = Promise.resolve();
          const emit = (event: string, data: unknown) => {
            chain = chain.then(() => (stream.aborted ? undefined : stream.writeSSE({ event, data: JSON.stringify(data) })));
          };
          const result = await svc.run(id, parsed.data.args, who, parsed.data.deadlineMs, {
            accepted: (argv) => emit("accepted", { argv }),
            output: (text) => emit("output", { text }),
          });
          emit("result", result);
          await chain;
        });
      });
      const commands = describeRoute({ summary: "The diagnostics list: each kind's arguments with their bounds and defaults", responses: { 200: json("commands", commandsAnswer) } });
      app.get("/diag/commands", commands, (c) => c.json({ commands: DIAG_COMMANDS, limits: DIAG_LIMITS, patterns: DIAG_PATTERNS }));
      const auditDoc = describeRoute({ summary: "Every diagnostic request, newest first: who (the API token), what, when, result, argv", responses: { 200: json("audit rows", auditAnswer), 400: error("invalid parameters") } });
      app.get("/diag/audit", auditDoc, valid("query", auditQuery), async (c) => {
        const q = c.req.valid("query");
        return c.json({ audit: await audit.list(q.limit ?? 100, q.node) });
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
