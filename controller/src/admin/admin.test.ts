import { existsSync, statSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { tempDir, waitFor } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { Registry } from "../metrics/registry";
import { silentLogger } from "../log";
import { createApi } from "../api/app";
import { createToken, verifyToken } from "../auth/tokens";
import { adminRoutes } from "./routes";

describe("admin API: tokens and enrollment", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let app: Hono;
  let admin: string;
  let operator: string;
  const clock = new FakeClock(1_790_000_000_000);

  beforeEach(async () => {
    dir = tempDir("mf-admin-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    const deps = { store, clock, log: silentLogger, registry: new Registry(), auth: "tokens" as const };
    app = createApi({ ...deps, routes: [adminRoutes(deps, { keysDir: `${dir.path}/keys` })] });
    admin = (await createToken(store, { role: "admin", name: "root" })).token;
    operator = (await createToken(store, { role: "operator", name: "noc" })).token;
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    app.request(path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });

  it("is for admins only, whatever the method (an operator cannot even list tokens)", async () => {
    for (const [m, p] of [["GET", "/api/admin/tokens"], ["POST", "/api/admin/tokens"], ["DELETE", "/api/admin/tokens/0000abcd"], ["GET", "/api/admin/enrollments"], ["POST", "/api/admin/enrollments/r1"], ["DELETE", "/api/admin/enrollments/r1"]] as const) {
      const r = await call(m, p, operator, m === "POST" ? { name: "x", role: "viewer" } : undefined);
      expect([m, p, r.status]).toEqual([m, p, 403]);
      expect(await r.json()).toMatchObject({ code: "E_FORBIDDEN" });
    }
  });

  it("creates a token (shown once), lists tokens without secrets, revokes one", async () => {
    const created = await call("POST", "/api/admin/tokens", admin, { name: "wall screen", role: "viewer" });
    expect(created.status).toBe(201);
    const t = (await created.json()) as { id: string; name: string; role: string; token: string };
    expect(t).toMatchObject({ name: "wall screen", role: "viewer" });
    expect(await verifyToken(store, t.token)).toEqual({ id: t.id, role: "viewer", name: "wall screen" });

    const list = await (await call("GET", "/api/admin/tokens", admin)).text();
    expect(list).not.toContain(t.token);
    expect(list).not.toContain(admin);
    expect(list).not.toContain("hash");
    const tokens = (JSON.parse(list) as { tokens: { id: string; name: string; role: string; revokedAt: number | null }[] }).tokens;
    expect(tokens.map((x) => [x.name, x.role, x.revokedAt]).sort()).toEqual([["noc", "operator", null], ["root", "admin", null], ["wall screen", "viewer", null]]);

    expect((await call("DELETE", `/api/admin/tokens/${t.id}`, admin)).status).toBe(200);
    expect(await verifyToken(store, t.token)).toBeNull();
    const again = await call("DELETE", `/api/admin/tokens/${t.id}`, admin);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: "E_NOT_FOUND" });
  });

  it("rejects bad token requests with 400 naming the field", async () => {
    const bad = await call("POST", "/api/admin/tokens", admin, { name: "x", role: "root" });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; message: string };
    expect(body.code).toBe("E_VALIDATION");
    expect(body.message).toContain("role");
    expect((await call("POST", "/api/admin/tokens", admin, { name: "", role: "viewer" })).status).toBe(400);
    expect((await call("POST", "/api/admin/tokens", admin, { name: "a", role: "viewer", extra: 1 })).status).toBe(400);
    expect((await call("POST", "/api/admin/tokens", admin, "{not json")).status).toBe(400);
    expect((await call("DELETE", "/api/admin/tokens/..%2F..", admin)).status).toBe(400);
  });

  it("enrolls and rotates a node's nkey: the response names the seed file, never the seed", async () => {
    const first = await call("POST", "/api/admin/enrollments/r1", admin);
    expect(first.status).toBe(201);
    const text = await first.text();
    const r = JSON.parse(text) as { node: string; publicKey: string; seedFile: string; rotated: boolean };
    expect(r).toMatchObject({ node: "r1", seedFile: `${dir.path}/keys/r1.nk`, rotated: false });
    expect(r.publicKey).toMatch(/^U[A-Z2-7]{55}$/);
    const seed = readFileSync(r.seedFile, "utf8").trim();
    expect(seed).toMatch(/^SU[A-Z2-7]{56}$/);
    expect(text).not.toContain(seed);
    expect(statSync(r.seedFile).mode & 0o777).toBe(0o600);

    const second = await call("POST", "/api/admin/enrollments/r1", admin);
    expect(second.status).toBe(200);
    const r2 = (await second.json()) as { publicKey: string; rotated: boolean };
    expect(r2.rotated).toBe(true);
    expect(r2.publicKey).not.toBe(r.publicKey);

    const list = (await (await call("GET", "/api/admin/enrollments", admin)).json()) as { nodes: { node: string; publicKey: string }[] };
    expect(list.nodes).toEqual([{ node: "r1", publicKey: r2.publicKey }]);
    const bad = await call("POST", "/api/admin/enrollments/a%20b", admin);
    expect(bad.status).toBe(400);
  });

  it("without a keys directory, enrollment is a 409 that says how to enable it", async () => {
    const deps = { store, clock, log: silentLogger, registry: new Registry(), auth: "tokens" as const };
    const noKeys = createApi({ ...deps, routes: [adminRoutes(deps, {})] });
    const r = await noKeys.request("/api/admin/enrollments/r1", { method: "POST", headers: { authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { message: string }).message).toContain("--keys");
  });

  it("revokes a node's key (404 when not enrolled); with a broker target, rewrites its accounts file and signals the reload", async () => {
    const deps = { store, clock, log: silentLogger, registry: new Registry(), auth: "tokens" as const };
    const broker = { configFile: `${dir.path}/auth.conf`, pidFile: `${dir.path}/nats.pid` };
    const api = createApi({ ...deps, routes: [adminRoutes(deps, { keysDir: `${dir.path}/keys`, broker })] });
    const req = (method: string, path: string) => api.request(path, { method, headers: { authorization: `Bearer ${admin}` } });
    // nats-server's pid file names this process: the reload signal (SIGHUP) is caught here
    writeFileSync(broker.pidFile, `${process.pid}\n`);
    let hups = 0;
    const onHup = () => void hups++;
    process.on("SIGHUP", onHup);
    try {
      const enrolled = (await (await req("POST", "/api/admin/enrollments/r1")).json()) as { publicKey: string; brokerReloaded: boolean };
      expect(enrolled.brokerReloaded).toBe(true);
      // two reloads per change: nats-server 2.9 wires a new account into JetStream at the second
      await waitFor(() => hups === 2, { what: "the two reload signals" });
      expect(readFileSync(broker.configFile, "utf8")).toContain(enrolled.publicKey);

      const revoked = await req("DELETE", "/api/admin/enrollments/r1");
      expect(revoked.status).toBe(200);
      expect(await revoked.json()).toEqual({ node: "r1", revoked: true, brokerReloaded: true });
      await waitFor(() => hups === 4, { what: "the revocation's two reload signals" });
      expect(readFileSync(broker.configFile, "utf8")).not.toContain(enrolled.publicKey);
      expect(existsSync(`${dir.path}/keys/r1.nk`)).toBe(false);
      expect((await (await req("GET", "/api/admin/enrollments")).json()) as unknown).toEqual({ nodes: [] });
      expect((await req("DELETE", "/api/admin/enrollments/r1")).status).toBe(404);
    } finally {
      process.off("SIGHUP", onHup);
    }

    // no nats-server to signal: the file is written, the answer says the reload did not happen
    writeFileSync(broker.pidFile, "not a pid\n");
    const failed = await req("POST", "/api/admin/enrollments/r2");
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ code: "E_BROKER_RELOAD" });
    expect(readFileSync(broker.configFile, "utf8")).toContain("NODE_r2");
  });
});
