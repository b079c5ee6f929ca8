import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { FakeClock, type Store } from "../store/index";
import { createToken } from "../auth/tokens";
import { diagApi, startDiagFixture, type DiagFixture, type FakeDiagNode } from "../../testing/diag";

const T0 = 1_790_000_000_000;
type AuditRow = { node: string; kind: string; who: string; requestedAt: number; finishedAt: number | null; result: string; error: string | null; args: unknown };

/**
 * `POST /api/diag/:id` through a real nats-server to a node the test drives: the role
 * check, and every refusal at the controller (unknown node, busy node, broker not
 * connected) answered with its status and written to the audit (who, what, when, why).
 */
describe("diagnostics API: roles and refusals", () => {
  let fx: DiagFixture;
  let store: Store;
  let app: Hono;
  let r1: FakeDiagNode;
  let viewer: string;
  let operator: { id: string; token: string };
  const clock = new FakeClock(T0);

  const post = (token: string, node: string, body: unknown, api = app) =>
    api.request(`/api/diag/${node}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const audit = async (node: string): Promise<AuditRow[]> => ((await (await app.request(`/api/diag/audit?node=${node}`, { headers: { authorization: `Bearer ${viewer}` } })).json()) as { audit: AuditRow[] }).audit;

  beforeAll(async () => {
    fx = await startDiagFixture({
      clock,
      seed: async (s) => {
        await s.nodes.touch("r1", T0, 10_000);
        viewer = (await createToken(s, { role: "viewer", name: "wall screen" }, T0)).token;
        operator = await createToken(s, { role: "operator", name: "noc" }, T0);
      },
    });
    ({ store, app, r1 } = fx);
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it("a viewer token is refused (403) and nothing reaches the node; an operator's ping runs", async () => {
    const denied = await post(viewer, "r1", { args: { kind: "ping", target: "10.0.0.9", count: 3 } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ code: "E_FORBIDDEN", message: "this needs the operator role; the token has viewer" });

    clock.set(T0 + 1000);
    const asked = post(operator.token, "r1", { args: { kind: "ping", target: "10.0.0.2", count: 1 } });
    const req = await r1.received(1);
    // The first request the node ever got is the operator's: the viewer's was never sent.
    expect([req.node, req.args]).toEqual(["r1", { kind: "ping", target: "10.0.0.2", count: 1, size: 56 }]);
    r1.answer(req, ["ping", "-c", "1", "-s", "56", "-W", "2", "10.0.0.2"], "1 packets transmitted, 1 packets received, 0% packet loss\n");
    const ok = await asked;
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ node: "r1", result: "done", exitCode: 0, argv: ["ping", "-c", "1", "-s", "56", "-W", "2", "10.0.0.2"], output: "1 packets transmitted, 1 packets received, 0% packet loss\n" });
    expect(r1.requests.map((r) => r.id)).toEqual([req.id]);
    expect((await audit("r1"))[0]).toMatchObject({ kind: "ping", who: `noc (${operator.id})`, requestedAt: T0 + 1000, result: "done" });
  });

  it("a second diagnostic while one runs on the node is refused (409), audited, and not sent", async () => {
    clock.set(T0 + 2000);
    const first = post(operator.token, "r1", { args: { kind: "traceroute", target: "10.0.0.3" } });
    const held = await r1.received(2);
    clock.set(T0 + 2500);
    const busy = await post(operator.token, "r1", { args: { kind: "mpath", iface: "mesh0" } });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toEqual({ code: "E_CONFLICT", message: "a diagnostic is already running on r1" });
    const rows = await audit("r1");
    expect(rows[0]).toEqual({
      id: expect.any(String) as string,
      node: "r1",
      kind: "mpath",
      who: `noc (${operator.id})`,
      requestedAt: T0 + 2500,
      finishedAt: T0 + 2500,
      result: "refused",
      exitCode: null,
      error: "E_CONFLICT: a diagnostic is already running on r1",
      args: { kind: "mpath", iface: "mesh0" },
      argv: null,
    });
    // The held one is still running (audited as such) and ends normally once the node answers.
    expect(rows[1]).toMatchObject({ kind: "traceroute", result: "running" });
    r1.answer(held, ["traceroute", "-n", "10.0.0.3"], " 1  10.0.0.3  1.0 ms\n");
    expect((await (await first).json()) as { result: string }).toMatchObject({ result: "done" });
    // The next request is the node's third: the refused one never went out.
    const third = post(operator.token, "r1", { args: { kind: "stations" } });
    const next = await r1.received(3);
    expect(next.args).toEqual({ kind: "stations", iface: "wlan0" });
    r1.answer(next, ["iw", "dev", "wlan0", "station", "dump"], "");
    expect((await third).status).toBe(200);
    expect(r1.requests.map((r) => r.args.kind)).toEqual(["ping", "traceroute", "stations"]);
  });

  it("a node the fleet does not know is refused (404) and audited under the name asked", async () => {
    clock.set(T0 + 3000);
    const res = await post(operator.token, "r9", { args: { kind: "ping", target: "10.0.0.1" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: "E_NOT_FOUND", message: "node r9 not found" });
    expect(await audit("r9")).toMatchObject([{ node: "r9", kind: "ping", who: `noc (${operator.id})`, requestedAt: T0 + 3000, result: "refused", error: "E_NOT_FOUND: node r9 not found", args: { kind: "ping", target: "10.0.0.1" } }]);
  });

  it("before the broker is connected a request is refused (503, saying so) and audited", async () => {
    clock.set(T0 + 4000);
    const offline = diagApi({ store, clock, nc: null });
    const res = await post(operator.token, "r1", { args: { kind: "scan", iface: "wlan1" } }, offline);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ code: "E_UNAVAILABLE", message: "diagnostics are not connected to the broker" });
    expect((await audit("r1"))[0]).toMatchObject({ kind: "scan", requestedAt: T0 + 4000, result: "refused", error: "E_UNAVAILABLE: diagnostics are not connected to the broker" });
  });
});
