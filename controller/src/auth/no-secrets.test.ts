import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { RecordingLogger } from "../log";
import { Registry } from "../metrics/registry";
import { seedJobNodes } from "../../testing/jobs";
import { JobService } from "../jobs/service";
import { jobsRoutes } from "../jobs/routes";
import { createApi } from "../api/app";
import { createToken } from "./tokens";

const T0 = 1_800_000_000_000;
const KEY = "S3cret-Wifi-Key-4242";

describe("a Wi-Fi key never leaves the controller through the API or the logs", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let log: RecordingLogger;
  let app: Hono;
  let token: string;

  beforeEach(async () => {
    dir = tempDir("mf-nosecrets-");
    const clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    await seedJobNodes(store, T0);
    log = new RecordingLogger();
    const service = new JobService({ store, clock, log });
    app = createApi({ store, clock, log, registry: new Registry(), auth: "tokens", routes: [jobsRoutes(service)] });
    token = (await createToken(store, { role: "admin", name: "t" })).token;
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const r = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: r.status, text: await r.text() };
  };

  it("dry run, create, list and detail mask the key; no log entry holds it", async () => {
    const roaming = { template: "roaming", target: "all", params: { ssid: "HomeNet", key: KEY, mobility_domain: "a1b2" }, rollout: { canary: 1, batchSize: 5 } };
    const dry = await call("POST", "/api/jobs?dryRun=1", roaming);
    expect(dry.status).toBe(200);
    expect(dry.text).toContain("********");
    expect(dry.text).not.toContain(KEY);

    const created = await call("POST", "/api/jobs", roaming);
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(KEY);
    const id = (JSON.parse(created.text) as { id: string }).id;
    expect(JSON.parse(created.text)).toMatchObject({ params: { key: "********" } });

    const list = await call("GET", "/api/jobs");
    expect(list.status).toBe(200);
    expect(list.text).toContain(id);
    expect(list.text).not.toContain(KEY);

    const detail = await call("GET", `/api/jobs/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.text).not.toContain(KEY);

    // A rejected request echoes nothing of the key either.
    const bad = await call("POST", "/api/jobs", { ...roaming, params: { ...roaming.params, mobility_domain: "zz" } });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain(KEY);

    expect(log.entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(log.entries)).not.toContain(KEY);
  });
});
