import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, tempDir, type RunningNatsServer } from "@meshfleet/testkit";
import { Controller, FakeClock, openStore, decodeMessage, modules, writeBatch, silentLogger, type Store } from "@meshfleet/controller";
import { buildHello, buildSnapshot } from "@meshfleet/controller/testing";
import { subjects } from "@meshfleet/shared";

const ROUTES = [
  "/api/nodes",
  "/api/nodes/{id}",
  "/api/nodes/{id}/stations",
  "/api/nodes/{id}/mesh-paths",
  "/api/nodes/{id}/neighbors",
  "/api/nodes/{id}/routes",
  "/api/nodes/{id}/counters",
  "/api/nodes/{id}/series",
  "/api/history",
  "/api/history/metrics",
  "/api/topology",
  "/api/events",
  "/api/alerts",
  "/api/alerts/{id}",
  "/api/convergence",
  "/api/churn",
  "/api/jobs",
  "/api/jobs/{id}",
  "/api/openapi.json",
  "/api/admin/tokens",
  "/api/admin/enrollments",
  "/healthz",
  "/metrics",
];
const QUERY_KEYS = ["node", "metric", "key", "from", "to", "step", "at", "code", "since", "until", "limit", "state", "subject", "dryRun"];
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom("", "0", "-1", "1e309", "NaN", "node-1", "9007199254740993", "%00", "../../etc/passwd", "' OR 1=1 --", "a".repeat(5000), "station_signal", "1m", "open"),
);

/** Every HTTP route with random and boundary inputs, in process: never a 500. */
describe("HTTP routes under random input", () => {
  let srv: RunningNatsServer;
  let nc: NatsConnection;
  let store: Store;
  let controller: Controller;
  const dir = tempDir("mf-httpfuzz-");

  beforeAll(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    const clock = new FakeClock(1_800_000_000_000);
    store = openStore({ file: `${dir.path}/h.sqlite`, clock });
    controller = new Controller({ nc, store, clock, log: silentLogger, modules: modules({}, { keysDir: `${dir.path}/keys` }) });
    const enc = new TextEncoder();
    const items = ["node-1", "node-2"].flatMap((node) => [
      decodeMessage(subjects.hello(node), enc.encode(JSON.stringify(buildHello({ node, ts: 1_800_000_000_000 })))),
      decodeMessage(subjects.telemetry(node), enc.encode(JSON.stringify(buildSnapshot({ node, seq: 1, ts: 1_800_000_000_000 })))),
    ]);
    await writeBatch(store, items.flatMap((d) => (d.ok ? [d.item] : [])), 1_800_000_000_000);
  });
  afterAll(async () => {
    await nc?.close();
    store?.close();
    await srv?.dispose();
    dir.cleanup();
  });

  it("answers every GET with a status below 500", async () => {
    const bad: string[] = [];
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), value, fc.dictionary(fc.constantFrom(...QUERY_KEYS), value, { maxKeys: 4 }), async (route, id, query) => {
        const path = route.replace("{id}", encodeURIComponent(id));
        const qs = new URLSearchParams(query).toString();
        const res = await controller.api.request(`${path}${qs ? `?${qs}` : ""}`);
        seen.add(res.status);
        if (res.status >= 500 && !(route === "/healthz" && res.status === 503)) bad.push(`${res.status} ${path}?${qs}`);
        const text = await res.text();
        expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // never a stack trace
      }),
      { numRuns: 1500, seed: 7 },
    );
    expect(bad).toEqual([]);
    // The inputs reach the handlers: answers, validation errors and unknown ids all occur.
    expect([...seen]).toEqual(expect.arrayContaining([200, 400, 404]));
  }, 120_000);

  it("answers random job, token and enrollment bodies and actions with a status below 500", async () => {
    const bad: string[] = [];
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.record({ template: fc.constantFrom("roaming", "mesh", "ssid", "routing-firewall", "raw", "nope"), target: value, params: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue()) }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/api/jobs", "/api/jobs?dryRun=1", "/api/jobs/{id}/cancel", "/api/jobs/{id}/resume", "/api/admin/tokens", "/api/admin/enrollments/{id}"), value, body, async (route, id, b) => {
        const path = route.replace("{id}", encodeURIComponent(id));
        const res = await controller.api.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: b });
        if (res.status >= 500) bad.push(`${res.status} POST ${path} ${b.slice(0, 80)}`);
      }),
      { numRuns: 800, seed: 11 },
    );
    expect(bad).toEqual([]);
  }, 120_000);
});
