import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { error, json, text, valid } from "../http/openapi";
import type { Controller, ControllerModule } from "../controller";
import { ieeeVendors } from "../vendors/vendors";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const JS = "text/javascript; charset=utf-8";
const mac = z.string().min(1).max(32);
/** `?mac=` once or repeated (1 to 200). */
const vendorsQuery = z.object({ mac: z.union([mac, z.array(mac).min(1).max(200)]).describe("a MAC; repeat for more (1 to 200)") });
const vendorsAnswer = z.object({
  vendors: z.record(z.string(), z.object({ vendor: z.string().nullable(), randomised: z.boolean().describe("locally administered: no vendor") }).nullable().describe("null: not a MAC")).describe("by MAC (lower case)"),
});
const vendorsDoc = describeRoute({
  summary: "The makers of MACs (IEEE OUI table); randomised: locally administered, no vendor; null: not a MAC",
  responses: { 200: json("vendors by MAC", vendorsAnswer), 400: error("no MAC or more than 200") },
});
const liveDoc = describeRoute({
  summary: "Server-sent events for the dashboard: `nodes` events naming the nodes whose data changed after each committed ingest batch, `ping` when idle (the token may be given as ?token= here only)",
  responses: { 200: text("event stream", "text/event-stream") },
});
const CSS = "text/css; charset=utf-8";
const SVG = "image/svg+xml";
/** The page's own scripts, served from static/ under their names. */
const SCRIPTS = ["lib.js", "names.js", "fleet-page.js", "events-page.js", "alerts-page.js", "jobs-page.js", "alert-page.js", "plots.js", "node-page.js", "topology-graph.js", "topology-layout.js", "topology-page.js", "app.js"];
/** The client page and the diagnostics panel (their own files). */
const RADIO_SCRIPTS = ["client-page.js", "diag-panel.js"];

/**
 * The dashboard's files, read once: the page, its scripts and style, cytoscape for the
 * topology graph and uPlot for the node page's charts (both from node_modules).
 */
function assets(): Record<string, { type: string; body: string }> {
  const read = (p: string) => readFileSync(p, "utf8");
  const files: Record<string, { type: string; body: string }> = {
    "/": { type: "text/html; charset=utf-8", body: read(join(here, "static", "index.html")) },
    "/app.css": { type: CSS, body: read(join(here, "static", "app.css")) },
    "/radio.css": { type: CSS, body: read(join(here, "static", "radio.css")) },
    // Browsers ask for /favicon.ico whatever the page links; both answer the same SVG.
    "/favicon.svg": { type: SVG, body: read(join(here, "static", "favicon.svg")) },
    "/favicon.ico": { type: SVG, body: read(join(here, "static", "favicon.svg")) },
    "/vendor/cytoscape.min.js": { type: JS, body: read(require.resolve("cytoscape/dist/cytoscape.min.js")) },
    "/vendor/uPlot.iife.min.js": { type: JS, body: read(require.resolve("uplot/dist/uPlot.iife.min.js")) },
    "/vendor/uPlot.min.css": { type: CSS, body: read(require.resolve("uplot/dist/uPlot.min.css")) },
  };
  for (const s of [...SCRIPTS, ...RADIO_SCRIPTS]) files[`/${s}`] = { type: JS, body: read(join(here, "static", s)) };
  return files;
}

/**
 * The web dashboard as a controller module: static files at `/`; `GET /api/live`, a
 * server-sent event stream that says which nodes changed after every committed ingest
 * batch (the page refetches what it shows; no per-node polling); `GET /api/vendors?mac=`
 * the makers of MACs.
 */
export function dashboardModule(): ControllerModule {
  const listeners = new Set<(nodes: string[]) => void>();
  let unsubscribe: (() => void) | null = null;
  return {
    name: "dashboard",
    rootRoutes() {
      const files = assets();
      const app = new Hono();
      for (const [path, f] of Object.entries(files)) {
        app.get(path, (c) => c.body(f.body, 200, { "content-type": f.type, "cache-control": "no-cache" }));
      }
      return app;
    },
    routes() {
      const app = new Hono();
      // The makers of station and peer MACs that are not fleet nodes (IEEE OUI table), for the pages' "maker" cells.
      app.get("/vendors", vendorsDoc, valid("query", vendorsQuery), (c) => {
        const asked = c.req.valid("query").mac;
        const macs = typeof asked === "string" ? [asked] : asked;
        const table = ieeeVendors();
        return c.json({ vendors: Object.fromEntries(macs.map((m) => [m.toLowerCase(), table.lookup(m)])) });
      });
      app.get("/live", liveDoc, (c) =>
        streamSSE(c, async (stream) => {
          const pending = new Set<string>();
          let wake: (() => void) | null = null;
          const listener = (nodes: string[]) => {
            for (const n of nodes) pending.add(n);
            wake?.();
          };
          listeners.add(listener);
          stream.onAbort(() => {
            listeners.delete(listener);
            wake?.();
          });
          await stream.writeSSE({ event: "hello", data: "{}" });
          while (!stream.aborted && !stream.closed) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 15_000);
            });
            wake = null;
            if (stream.aborted) break;
            if (pending.size === 0) {
              await stream.writeSSE({ event: "ping", data: "{}" });
              continue;
            }
            const nodes = [...pending].sort();
            pending.clear();
            await stream.writeSSE({ event: "nodes", data: JSON.stringify({ nodes }) });
            await stream.sleep(1000);
          }
          listeners.delete(listener);
        }),
      );
      return app;
    },
    start(controller: Controller) {
      unsubscribe = controller.ingest.onCommitted((items) => {
        if (listeners.size === 0) return;
        const nodes = [...new Set(items.map((i) => i.msg.node))];
        for (const l of listeners) l(nodes);
      });
    },
    stop() {
      unsubscribe?.();
      listeners.clear();
    },
  };
}
