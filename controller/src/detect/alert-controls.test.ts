import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Alert } from "@meshfleet/shared";
import { tempDir } from "@meshfleet/testkit";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { FakeClock, openStore, type Store } from "../store/index";
import { DetectionService } from "./service";
import type { AlertInput } from "../alerts/types";
import { createToken } from "../auth/tokens";
import { createApi } from "../api/app";
import { eventsAlertsRoutes } from "./http-routes";

const T0 = 1_700_000_000_000;
const offline = (node: string): AlertInput => ({ code: "node_offline", subject: `node:${node}`, node, severity: "critical", summary: `${node} offline`, evidence: { eventIds: [], scores: [] } });
const linkDown = (a: string, b: string): AlertInput => ({ code: "mesh_link_down", subject: `link:${a}-${b}`, node: a, severity: "warning", summary: "down", evidence: { eventIds: [], scores: [], detail: { nodes: [a, b] } } });

describe("alert controls API: acknowledge, silence, maintenance", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let svc: DetectionService;
  const sent: Alert[] = [];
  const clock = new FakeClock(T0);
  const call = async (method: string, path: string, body?: unknown) => {
    const app = createApi({ store, clock, log: silentLogger, registry: new Registry(), routes: [eventsAlertsRoutes(svc, () => clock.now())] });
    const res = await app.request(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeEach(async () => {
    clock.set(T0);
    sent.length = 0;
    dir = tempDir("mf-api-controls-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    svc = new DetectionService({ store, clock, log: silentLogger, sinks: [{ name: "rec", deliver: (a) => Promise.resolve(void sent.push(a)) }] });
    await svc.load();
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("acknowledges an alert with who and when", async () => {
    const id = (await svc.alerts.raise(offline("r1"), T0))!.alert.id;
    clock.set(T0 + 5000);
    const r = await call("POST", `/api/alerts/${id}/ack`, { by: "alice" });
    expect(r.status).toBe(200);
    expect(r.body.alert).toMatchObject({ id, ack: { by: "alice", at: T0 + 5000 } });
    expect((await call("GET", `/api/alerts/${id}`)).body.alert).toMatchObject({ ack: { by: "alice", at: T0 + 5000 } });
    expect((await call("POST", "/api/alerts/999/ack", {})).status).toBe(404);
  });

  it("with API tokens, the actor of an acknowledgement or a silence is the token's name, not what the body says", async () => {
    const { token } = await createToken(store, { role: "operator", name: "noc-alice" }, T0);
    const authed = async (method: string, path: string, body: unknown) => {
      const app = createApi({ store, clock, log: silentLogger, registry: new Registry(), auth: "tokens", routes: [eventsAlertsRoutes(svc, () => clock.now())] });
      const res = await app.request(path, { method, body: JSON.stringify(body), headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const id = (await svc.alerts.raise(offline("r1"), T0))!.alert.id;
    const acked = await authed("POST", `/api/alerts/${id}/ack`, { by: "mallory" });
    expect(acked.status).toBe(200);
    expect(acked.body.alert).toMatchObject({ ack: { by: "noc-alice", at: T0 } });
    const s = await authed("POST", "/api/alerts/silences", { node: "r2", durationMs: 60_000, reason: "swap", by: "mallory" });
    expect(s.body.silence).toMatchObject({ createdBy: "noc-alice" });
  });

  it("a silence by node records matching alerts (a link naming the node too) without notifying, until it ends", async () => {
    const created = await call("POST", "/api/alerts/silences", { node: "r2", durationMs: 3600_000, reason: "moving the router", by: "bob" });
    expect(created.status).toBe(201);
    const sid = (created.body.silence as { id: number }).id;
    await svc.alerts.raise(offline("r2"), T0 + 1000);
    await svc.alerts.raise(linkDown("r1", "r2"), T0 + 1000);
    await svc.alerts.raise(offline("r3"), T0 + 1000);
    await svc.alerts.resolve("node_offline", "node:r2", T0 + 2000);
    await svc.alerts.flush();
    expect(sent.map((a) => `${a.state} ${a.subject}`)).toEqual(["open node:r3"]);
    expect((await svc.alerts.list({})).map((a) => [a.subject, a.silencedBy])).toEqual([
      ["node:r3", null],
      ["link:r1-r2", sid],
      ["node:r2", sid],
    ]);
    clock.set(T0 + 3000);
    expect((await call("DELETE", `/api/alerts/silences/${sid}`)).body.silence).toMatchObject({ untilTs: T0 + 3000 });
    expect((await call("GET", "/api/alerts/silences")).body.silences).toEqual([]);
    await svc.alerts.raise(offline("r2"), T0 + 4000);
    await svc.alerts.flush();
    expect(sent.map((a) => `${a.state} ${a.subject}`)).toEqual(["open node:r3", "open node:r2"]);
  });

  it("a maintenance window silences by code or subject only inside the window; bad requests are 400", async () => {
    const w = await call("POST", "/api/alerts/silences", { kind: "maintenance", code: "node_offline", fromTs: T0 + 60_000, untilTs: T0 + 120_000, reason: "firmware upgrade" });
    expect(w.body.silence).toMatchObject({ kind: "maintenance", code: "node_offline", node: null, createdBy: "api" });
    await svc.alerts.raise(offline("r1"), T0 + 30_000);
    await svc.alerts.raise(offline("r2"), T0 + 90_000);
    await svc.alerts.raise(offline("r3"), T0 + 120_000);
    await svc.alerts.flush();
    expect(sent.map((a) => a.subject)).toEqual(["node:r1", "node:r3"]);
    expect((await call("POST", "/api/alerts/silences", { durationMs: 1000, reason: "everything" })).status).toBe(400);
    expect((await call("POST", "/api/alerts/silences", { node: "r1", reason: "no end" })).status).toBe(400);
    expect((await call("POST", "/api/alerts/silences", { node: "r1", durationMs: 1000, reason: "x", colour: "red" })).status).toBe(400);
  });
});
