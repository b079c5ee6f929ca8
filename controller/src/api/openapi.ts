import { z } from "zod";
import { HISTORY_METRIC_NAMES } from "../store/index";
import { listOf, lists, namesAnswer, nodeDetail, nodeSummary } from "../nodes/schemas";
import { historyAnswer, SERIES_LIMITS, seriesAnswer } from "../history/schemas";
import { netjsonGraph } from "../topology/schemas";
import { healthAnswer } from "../health/routes";
import { jobRequest } from "../jobs/spec";
import { createTokenBody } from "../admin/routes";
import { alertsQuery, convergenceQuery, eventsQuery } from "../detect/http-routes";
import { ackBody, silenceBody } from "../detect/alert-controls";
import { clientQuery, clientsQuery, roamingQuery } from "../clients/routes";
import { auditQuery, diagBody } from "../diag/module";

const errorBody = z.object({ code: z.string(), message: z.string() });

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;

const ok = (description: string, schema: z.ZodType) => ({ description, content: { "application/json": { schema: json(schema) } } });
const err = (description: string) => ok(description, errorBody);
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[a-z0-9][a-z0-9_-]{0,62}$" } };
const q = (name: string, schema: Record<string, unknown>, description: string, required = false) => ({ name, in: "query", required, schema, description });

/** The OpenAPI 3.1 document of the core API, built from the same zod schemas the routes use. */
export function openApiDocument(): Record<string, unknown> {
  const listPaths: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(lists)) {
    listPaths[`/api/nodes/{id}/${name}`] = {
      get: {
        summary: `The node's current ${name} (from its latest snapshot), fleet nodes resolved from MACs/addresses`,
        parameters: name === "routes" ? [idParam, q("all", { type: "string", enum: ["0", "1", "true", "false"] }, "1: also routes the daemon lists but its routing protocol retracted (reachable false)")] : [idParam],
        responses: { 200: ok(name, listOf(item)), 400: err("invalid node id"), 404: err("unknown node") },
      },
    };
  }
  const inputOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const anyJson = (description: string) => ({ description, content: { "application/json": { schema: { type: "object" } } } });
  /** Query parameters straight from a route's zod query schema. */
  const queryOf = (schema: z.ZodObject) =>
    Object.entries((json(schema) as { properties?: Record<string, Record<string, unknown>> }).properties ?? {}).map(([name, sch]) => ({ name, in: "query", required: false, schema: sch }));
  const jobId = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9_-]{8,64}$" } };
  const jobAction = (what: string) => ({
    post: { summary: `${what} a job`, parameters: [jobId], responses: { 200: anyJson("the job"), 404: err("unknown job"), 409: err(`the job cannot be ${what.toLowerCase()}d in its state`) } },
  });
  const detectionPaths = {
    "/api/events": { get: { summary: "Events derived from consecutive snapshots, newest first", parameters: queryOf(eventsQuery), responses: { 200: anyJson("events"), 400: err("invalid parameters") } } },
    "/api/alerts": { get: { summary: "Alerts (open and resolved) with their evidence ids", parameters: queryOf(alertsQuery), responses: { 200: anyJson("alerts"), 400: err("invalid parameters") } } },
    "/api/alerts/{id}": {
      get: { summary: "One alert with its evidence events and score history", parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }], responses: { 200: anyJson("alert"), 404: err("unknown alert") } },
    },
    "/api/convergence": { get: { summary: "Convergence incidents (and the one in progress)", parameters: queryOf(convergenceQuery), responses: { 200: anyJson("incidents"), 400: err("invalid parameters") } } },
    "/api/churn": { get: { summary: "Current churn scores per route, mesh path, neighbour, node and link", responses: { 200: anyJson("scores") } } },
    "/api/alerts/{id}/ack": {
      post: {
        summary: "Acknowledge an alert (operator role): who and when are recorded; the actor is the API token's name",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        requestBody: { required: false, content: { "application/json": { schema: inputOf(ackBody) } } },
        responses: { 200: anyJson("the alert"), 400: err("invalid body"), 404: err("unknown alert") },
      },
    },
    "/api/alerts/silences": {
      get: { summary: "Active silences and maintenance windows (?all=1: also ended ones)", parameters: [q("all", { type: "string", enum: ["0", "1"] }, "1: also silences that ended")], responses: { 200: anyJson("silences") } },
      post: {
        summary: "Silence alerts by node, code or subject for a duration, or a maintenance window [fromTs, untilTs): silenced alerts are recorded but not notified",
        requestBody: { required: true, content: { "application/json": { schema: inputOf(silenceBody) } } },
        responses: { 201: anyJson("the silence"), 400: err("no node, code or subject; no end; or an end before the start") },
      },
    },
    "/api/alerts/silences/{id}": {
      delete: { summary: "End a silence now", parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }], responses: { 200: anyJson("the silence"), 404: err("unknown silence") } },
    },
  };
  const livePaths = {
    "/api/live": { get: { summary: "Server-sent events for the dashboard: a `snapshot` event per stored node update and `alert` events (the token may be given as ?token= here only)", responses: { 200: { description: "event stream", content: { "text/event-stream": { schema: { type: "string" } } } } } } },
  };
  const macParam = { name: "mac", in: "path", required: true, schema: { type: "string", pattern: "^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$" } };
  const clientPaths = {
    "/api/clients": { get: { summary: "Clients the fleet knows now (associated stations and DHCP leases), searched by MAC, hostname or IP", parameters: queryOf(clientsQuery), responses: { 200: anyJson("clients"), 400: err("invalid parameters") } } },
    "/api/clients/{mac}": {
      get: {
        summary: "One client over a window: AP/node and band over time, signal and rates per snapshot, roams with their gap, hostname/IP, first/last seen",
        parameters: [macParam, ...queryOf(clientQuery)],
        responses: { 200: anyJson("client history"), 400: err("invalid MAC or parameters"), 404: err("client never seen") },
      },
    },
    "/api/roaming": {
      get: { summary: "Roaming quality fleet-wide and per AP pair (roams, median/p95 gap, slow and failed roams, 802.11r per SSID from the config the nodes had reported by the window's end, its time in configAt); ?job= gives before/after a job", parameters: queryOf(roamingQuery), responses: { 200: anyJson("roaming quality"), 400: err("invalid parameters"), 404: err("unknown job") } },
    },
  };
  const diagPaths = {
    "/api/diag/{id}": {
      post: {
        summary: "Run one diagnostic from the fixed list on a node now (operator role; audited, refusals too). With Accept: text/event-stream the answer streams as events: accepted {argv}, output {text} as the node prints it, result (the JSON answer)",
        parameters: [idParam],
        requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(diagBody, { io: "input", unrepresentable: "any" }) } } },
        responses: {
          200: { description: "the result (output, exit code, argv, result: done | refused | timeout | failed), or its event stream", content: { "application/json": { schema: { type: "object" } }, "text/event-stream": { schema: { type: "string" } } } },
          400: err("not on the diagnostics list, or a target that is neither an IP address nor a fleet node"),
          404: err("unknown node"),
          409: err("a diagnostic is already running on the node"),
          503: err("diagnostics are not connected to the broker yet"),
        },
      },
    },
    "/api/diag/audit": { get: { summary: "Every diagnostic request, newest first: who (the API token), what, when, result, argv", parameters: queryOf(auditQuery), responses: { 200: anyJson("audit rows"), 400: err("invalid parameters") } } },
    "/api/cluster": { get: { summary: "Several controllers: this one's id, whether it leads, the partitions it holds and the members it sees (cluster null when it runs alone)", responses: { 200: anyJson("cluster") } } },
    "/api/diag/commands": { get: { summary: "The diagnostics list: each kind's arguments with their bounds and defaults", responses: { 200: anyJson("commands") } } },
  };
  const jobPaths = {
    "/api/jobs": {
      post: {
        summary: "Create a configuration job (template + parameters or raw UCI ops, target, rollout policy, verification); ?dryRun=1 returns the per-node plan and diffs without touching anything",
        parameters: [q("dryRun", { type: "string", enum: ["1", "true"] }, "plan only")],
        requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(jobRequest, { io: "input", unrepresentable: "any" }) } } },
        responses: { 201: anyJson("the created job"), 200: anyJson("the dry-run plan"), 400: err("every problem listed in `issues`") },
      },
      get: { summary: "Jobs, newest first", parameters: [q("limit", { type: "integer", minimum: 1, maximum: 500 }, "how many")], responses: { 200: anyJson("jobs") } },
    },
    "/api/jobs/check": {
      post: {
        summary: "Validate a job request without creating it: 200 with { valid, issues } (the same issues a create would refuse with)",
        requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(jobRequest, { io: "input", unrepresentable: "any" }) } } },
        responses: { 200: anyJson("{ valid: boolean, issues: { path, message }[] }"), 400: err("the body is not JSON") },
      },
    },
    "/api/jobs/{id}": { get: { summary: "One job with per-node states and timings (keys masked)", parameters: [jobId], responses: { 200: anyJson("the job"), 404: err("unknown job") } } },
    "/api/jobs/{id}/cancel": jobAction("Cancel"),
    "/api/jobs/{id}/resume": jobAction("Resume"),
  };
  const nodeParam = { name: "node", in: "path", required: true, schema: idParam.schema };
  const adminPaths = {
    "/api/admin/tokens": {
      get: { summary: "API tokens (admin): id, name, role, created/last used/revoked; never the token or its hash", responses: { 200: anyJson("tokens"), 403: err("not an admin token") } },
      post: {
        summary: "Create an API token (admin); the token is in this response only",
        requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(createTokenBody, { io: "input" }) } } },
        responses: { 201: anyJson("id, name, role, token"), 400: err("invalid body"), 403: err("not an admin token") },
      },
    },
    "/api/admin/tokens/{id}": {
      delete: { summary: "Revoke an API token (admin)", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{8}$" } }], responses: { 200: anyJson("revoked"), 404: err("no such active token") } },
    },
    "/api/admin/enrollments": { get: { summary: "Enrolled nodes and their NATS public keys (admin; needs serve --keys)", responses: { 200: anyJson("nodes"), 409: err("no keys directory configured") } } },
    "/api/admin/enrollments/{node}": {
      post: {
        summary: "Enroll a node or rotate its nkey (admin; needs serve --keys; with --nats-config and --nats-pid-file the broker is reloaded): the answer names the seed file, never the seed",
        parameters: [nodeParam],
        responses: { 201: anyJson("enrolled"), 200: anyJson("rotated"), 400: err("invalid node id"), 409: err("no keys directory configured"), 502: err("written, but nats-server could not be signalled") },
      },
      delete: {
        summary: "Revoke a node's nkey (admin; needs serve --keys; with --nats-config and --nats-pid-file the broker is reloaded and the node disconnected)",
        parameters: [nodeParam],
        responses: { 200: anyJson("revoked"), 404: err("not enrolled"), 409: err("no keys directory configured"), 502: err("written, but nats-server could not be signalled") },
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: { title: "meshfleet controller API", version: "1" },
    paths: {
      "/api/nodes": { get: { summary: "Every node with its status and current counts", responses: { 200: ok("nodes", z.object({ nodes: z.array(nodeSummary) })) } } },
      "/api/nodes/{id}": {
        get: { summary: "One node and its latest snapshot, normalised", parameters: [idParam], responses: { 200: ok("node", nodeDetail), 400: err("invalid node id"), 404: err("unknown node") } },
      },
      ...listPaths,
      "/api/nodes/{id}/series": {
        get: {
          summary: "Every series of one metric of the node (each station's signal, each path's metric, each counter's rate) on one time axis: raw samples (the newest `limit`, range ≤ 24 h) or bucket averages from the rollups when a step is given",
          parameters: [
            idParam,
            q("metric", { type: "string", enum: HISTORY_METRIC_NAMES }, "metric; every key of it is a series", true),
            q("from", { type: "integer" }, "ms since the epoch (default: to - 1 h)"),
            q("to", { type: "integer" }, "ms since the epoch (default: now)"),
            q("step", { type: "string" }, "bucket: ms or 30s/5m/1h; absent or 0 = raw samples (range ≤ 24 h). A long range at a short step is answered at a coarser one (a 5m step over 30 days at 15m, from the quarter-hour rollups): the answer's `step` and `source` say which"),
            q("limit", { type: "integer", minimum: 1, maximum: SERIES_LIMITS.maxSamples }, `the most timestamps (default ${SERIES_LIMITS.defaultSamples}); raw keeps the newest`),
          ],
          responses: { 200: ok("series", seriesAnswer), 400: err("invalid parameters"), 404: err("unknown node") },
        },
      },
      ...detectionPaths,
      ...livePaths,
      ...clientPaths,
      ...diagPaths,
      ...jobPaths,
      ...adminPaths,
      "/api/history": {
        get: {
          summary: "A time series of one node's metric: raw samples (no step) or min/avg/max per step, read from rollups when the step allows",
          parameters: [
            q("node", { type: "string" }, "node id", true),
            q("metric", { type: "string", enum: HISTORY_METRIC_NAMES }, "metric", true),
            q("key", { type: "string" }, "station/path MAC, neighbour address, route prefix or counter key", true),
            q("from", { type: "integer" }, "ms since the epoch (default: to - 1 h)"),
            q("to", { type: "integer" }, "ms since the epoch (default: now)"),
            q("step", { type: "string" }, "bucket: ms or 30s/5m/1h; absent or 0 = raw samples (range ≤ 24 h). A long range at a short step is answered at a coarser one (a 5m step over 30 days at 15m, from the quarter-hour rollups): the answer's `step` and `source` say which"),
          ],
          responses: { 200: ok("series", historyAnswer), 400: err("invalid parameters") },
        },
      },
      "/api/history/metrics": {
        get: {
          summary: "The metrics /api/history serves and what their key names",
          responses: { 200: ok("metrics", z.object({ metrics: z.record(z.string(), z.string()), rollupStepMs: z.object({ minute: z.number().int(), quarter: z.number().int(), hour: z.number().int() }) })) },
        },
      },
      "/api/names": {
        get: {
          summary: "What the fleet can name: every MAC and link-local address its nodes announced, by node id",
          responses: { 200: ok("names", namesAnswer) },
        },
      },
      "/api/vendors": {
        get: {
          summary: "The makers of MACs (IEEE OUI table): { vendors: { mac: { vendor, randomised } | null } }; randomised: locally administered, no vendor; null: not a MAC",
          parameters: [q("mac", { type: "array", items: { type: "string", maxLength: 32 }, minItems: 1, maxItems: 200 }, "a MAC; repeat for more (1 to 200)")],
          responses: { 200: anyJson("vendors by MAC"), 400: err("no MAC or more than 200") },
        },
      },
      "/api/topology": {
        get: {
          summary: "The mesh as a NetJSON NetworkGraph: fleet nodes, mesh peerings and routing adjacencies with their metrics",
          parameters: [q("at", { type: "integer" }, "ms since the epoch: the topology at that time (default: now)")],
          responses: { 200: ok("graph", netjsonGraph), 400: err("invalid parameters") },
        },
      },
      "/healthz": { get: { summary: "Health: store writable, ingest committing, NATS connected", responses: { 200: ok("healthy", healthAnswer), 503: ok("unhealthy", healthAnswer) } } },
      "/metrics": { get: { summary: "Prometheus metrics", responses: { 200: { description: "text exposition format", content: { "text/plain": { schema: { type: "string" } } } } } } },
      "/api/openapi.json": { get: { summary: "This document", responses: { 200: { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } } } },
    },
  };
}
