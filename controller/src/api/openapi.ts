import { z } from "zod";
import { HISTORY_METRIC_NAMES } from "../store/index";
import { errorBody, healthAnswer, historyAnswer, listOf, lists, netjsonGraph, nodeDetail, nodeSummary } from "./schemas";

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
        parameters: [idParam],
        responses: { 200: ok(name, listOf(item)), 400: err("invalid node id"), 404: err("unknown node") },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "meshfleet controller API", version: "1" },
    paths: {
      "/api/nodes": { get: { summary: "Every node with its status and current counts", responses: { 200: ok("nodes", z.object({ nodes: z.array(nodeSummary) })) } } },
      "/api/nodes/{id}": {
        get: { summary: "One node and its latest snapshot, normalised", parameters: [idParam], responses: { 200: ok("node", nodeDetail), 400: err("invalid node id"), 404: err("unknown node") } },
      },
      ...listPaths,
      "/api/history": {
        get: {
          summary: "A time series of one node's metric: raw samples (no step) or min/avg/max per step, read from rollups when the step allows",
          parameters: [
            q("node", { type: "string" }, "node id", true),
            q("metric", { type: "string", enum: HISTORY_METRIC_NAMES }, "metric", true),
            q("key", { type: "string" }, "station/path MAC, neighbour address, route prefix or counter key", true),
            q("from", { type: "integer" }, "ms since the epoch (default: to - 1 h)"),
            q("to", { type: "integer" }, "ms since the epoch (default: now)"),
            q("step", { type: "string" }, "bucket: ms or 30s/5m/1h; absent or 0 = raw samples (range ≤ 24 h)"),
          ],
          responses: { 200: ok("series", historyAnswer), 400: err("invalid parameters") },
        },
      },
      "/api/history/metrics": {
        get: {
          summary: "The metrics /api/history serves and what their key names",
          responses: { 200: ok("metrics", z.object({ metrics: z.record(z.string(), z.string()), rollupStepMs: z.object({ minute: z.number().int(), hour: z.number().int() }) })) },
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
