import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiTokens } from "@meshfleet/migrations";
import { Hono } from "hono";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { Registry } from "../metrics/registry";
import { silentLogger } from "../log";
import { createApi } from "../api/app";
import { createToken, listTokens, revokeToken, verifyToken } from "./tokens";
import { requiredRole } from "./middleware";

describe("API bearer tokens", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let app: Hono;

  beforeEach(async () => {
    dir = tempDir("mf-auth-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(1_790_000_000_000) });
    const jobs = new Hono();
    jobs.post("/jobs", (c) => c.json({ created: true }, 201));
    app = createApi({ store, clock: new FakeClock(1_790_000_000_000), log: silentLogger, registry: new Registry(), auth: "tokens", routes: [jobs] });
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  const get = (path: string, token?: string) => app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const post = (path: string, token: string, body: unknown = {}) =>
    app.request(path, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  it("refuses requests without a valid token with 401 and a code, and leaves /healthz open", async () => {
    const none = await get("/api/nodes");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: "E_UNAUTHORIZED" });
    expect((await get("/api/nodes", "mf_" + "A".repeat(43))).status).toBe(401);
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/api/nodes", "not a token")).status).toBe(401);
    expect([200, 503]).toContain((await get("/healthz")).status);
  });

  it("lets each role do what it may: viewer reads, operator creates jobs, admin everything", async () => {
    const viewer = (await createToken(store, { role: "viewer", name: "wall screen" })).token;
    const operator = (await createToken(store, { role: "operator", name: "noc" })).token;
    const admin = (await createToken(store, { role: "admin", name: "me" })).token;
    expect((await get("/api/nodes", viewer)).status).toBe(200);
    expect((await get("/metrics", viewer)).status).toBe(200);
    const denied = await post("/api/jobs", viewer);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: "E_FORBIDDEN" });
    expect((await post("/api/jobs", operator)).status).toBe(201);
    expect((await post("/api/jobs", admin)).status).toBe(201);
    expect(requiredRole("DELETE", "/api/tokens/x")).toBe("admin");
    expect(requiredRole("POST", "/api/jobs/abc/cancel")).toBe("operator");
  });

  it("stores only a hash, and a revoked token stops working", async () => {
    const { id, token } = await createToken(store, { role: "viewer", name: "temp" });
    expect(token).toMatch(/^mf_[A-Za-z0-9_-]{43}$/);
    expect(await verifyToken(store, token)).toEqual({ id, name: "temp", role: "viewer" });
    const rows = store.db.select().from(apiTokens).all();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token.slice(3));
    expect(rows[0]).toMatchObject({ id, role: "viewer", name: "temp" });
    expect(await revokeToken(store, id)).toBe(true);
    expect(await revokeToken(store, id)).toBe(false);
    expect(await verifyToken(store, token)).toBeNull();
    expect((await get("/api/nodes", token)).status).toBe(401);
    expect((await listTokens(store))[0]).toMatchObject({ id, revokedAt: expect.any(Number) as number });
  });

  it("accepts ?token= only on the live stream, and limits request bodies", async () => {
    const viewer = (await createToken(store, { role: "viewer", name: "v" })).token;
    expect((await get(`/api/nodes?token=${viewer}`)).status).toBe(401);
    const admin = (await createToken(store, { role: "admin", name: "a" })).token;
    const big = await post("/api/jobs", admin, { pad: "x".repeat(300 * 1024) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: "E_TOO_LARGE" });
  });
});
