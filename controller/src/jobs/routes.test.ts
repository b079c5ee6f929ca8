import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Hono } from "hono";
import { tempDir } from "@meshfleet/testkit";
import type { JobStatus } from "@meshfleet/shared";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { writeBatch } from "../ingest/writer";
import { buildHello } from "../../testing";
import { baselineWireless } from "./baseline";
import { JobsRepository } from "./repo";
import { JobService } from "./service";
import { errorHandler } from "../http/errors";
import { jobsRoutes } from "./routes";

const T0 = 1_800_000_000_000;
const KEY = "correct horse battery";

describe("jobs API (in-process, real SQLite)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let clock: FakeClock;
  let service: JobService;
  let app: Hono;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await app.request(path, { method, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }) });
    const text = await r.text();
    return { status: r.status, text, body: JSON.parse(text) as any };
  };
  const status = (jobId: string, node: string, state: JobStatus["state"], reason: string | null = null) =>
    service.onItems([{ kind: "jobStatus", msg: { type: "jobStatus", v: 1, jobId, node, boot: "boot-0001", ts: clock.now(), state, reason, step: null } }]);

  beforeEach(async () => {
    dir = tempDir("mf-jobs-api-");
    clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    await writeBatch(
      store,
      ["n1", "n2", "n3"].map((node) => ({ kind: "hello" as const, msg: { ...buildHello({ node, ts: T0 }), capabilities: ["stations", "uci-jobs"] } })),
      T0,
    );
    const w = baselineWireless("23.05.3");
    w.interfaces = w.interfaces.map((i) => ({ ...i, ssid: "HomeNet", encryption: "psk2", keyFingerprint: "00112233aabbccdd" }));
    // n3 never reported its wireless config: its plan uses the baseline.
    for (const n of ["n1", "n2"]) await new JobsRepository(store).putWireless(n, T0, w);
    service = new JobService({ store, clock, log: silentLogger });
    app = new Hono();
    app.onError(errorHandler(silentLogger));
    app.route("/api", jobsRoutes(service));
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  const roaming = { template: "roaming", target: "all", params: { ssid: "HomeNet", key: KEY, mobility_domain: "a1b2" }, rollout: { canary: 1, batchSize: 5 } };

  it("400 lists every problem, naming each field", async () => {
    const r = await call("POST", "/api/jobs", { template: "roaming", target: "all,x y", params: { ssid: "a\nb", key: "k", mobility_domain: "12345" } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("E_VALIDATION");
    expect(r.body.issues.map((i: { path: string }) => i.path)).toEqual(["params.ssid", "params.key", "params.mobility_domain", "target"]);
    expect(r.text).not.toContain("\nb");
    expect((await call("POST", "/api/jobs", "{not json")).status).toBe(400);
    expect((await call("POST", "/api/jobs", { template: "nope", target: "all" })).body.issues[0].path).toBe("template");
  });

  it("check: the same issues as a refused create, answered 200; a valid job is valid and nothing is stored", async () => {
    const bad = { template: "roaming", target: "", params: { key: "short", mobility_domain: "xyz" } };
    const refused = await call("POST", "/api/jobs", bad);
    const checked = await call("POST", "/api/jobs/check", bad);
    expect(checked.status).toBe(200);
    expect(checked.body).toEqual({ valid: false, issues: refused.body.issues });
    expect(checked.body.issues.length).toBeGreaterThan(0);
    const ok = await call("POST", "/api/jobs/check", roaming);
    expect([ok.status, ok.body]).toEqual([200, { valid: true, issues: [] }]);
    expect((await call("GET", "/api/jobs")).body.jobs).toEqual([]);
  });

  it("a node whose agent does not apply jobs is skipped", async () => {
    await writeBatch(store, [{ kind: "hello", msg: { ...buildHello({ node: "n2", ts: T0 }), capabilities: ["stations"] } }], T0);
    const r = await call("POST", "/api/jobs?dryRun=1", roaming);
    expect(r.body.nodes.map((n: any) => [n.node, n.skip])).toEqual([
      ["n1", null],
      ["n2", "the agent does not apply jobs (no uci-jobs capability in its hello)"],
      ["n3", 'no AP interface with SSID "HomeNet"'],
    ]);
  });

  it("dry run: per-node ops and diffs, keys masked, nothing stored", async () => {
    const r = await call("POST", "/api/jobs?dryRun=1", roaming);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain(KEY);
    expect(r.body.nodes.map((n: any) => [n.node, n.basis, n.skip])).toEqual([
      ["n1", "reported", null],
      ["n2", "reported", null],
      ["n3", "baseline", 'no AP interface with SSID "HomeNet"'],
    ]);
    expect(r.body.nodes[0].commands).toContain("set wireless.default_radio0.key=********");
    expect(r.body.nodes[0].diffs[0].diff).toContain("+\toption mobility_domain 'a1b2'\n");
    expect(r.body.nodes[0].diffs[0].diff).toContain(" \toption key '********'\n");
    expect((await call("GET", "/api/jobs")).body.jobs).toEqual([]);
  });

  it("create -> canary -> batches -> completed, with per-node timings; keys never returned", async () => {
    const created = await call("POST", "/api/jobs", roaming);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.params.key).toBe("********");
    expect(created.body.nodes.map((n: any) => [n.node, n.state, n.batch])).toEqual([
      ["n1", "sent", 0],
      ["n2", "pending", 1],
      ["n3", "skipped", -1],
    ]);
    clock.advance(1000);
    await status(id, "n1", "received");
    await status(id, "n1", "applied");
    clock.advance(2000);
    await status(id, "n1", "verified");
    let job = (await call("GET", `/api/jobs/${id}`)).body;
    expect(job.nodes[0]).toMatchObject({ state: "verified", firstSentAt: T0, receivedAt: T0 + 1000, finishedAt: T0 + 3000, durationMs: 3000, attempts: 1 });
    expect(job.nodes[1].state).toBe("sent");
    await status(id, "n2", "verified");
    job = (await call("GET", `/api/jobs/${id}`)).body;
    expect(job.status).toBe("completed");
    expect(job.counts).toMatchObject({ verified: 2, skipped: 1 });
    const all = await call("GET", "/api/jobs");
    expect(all.body.jobs.map((j: any) => [j.id, j.status])).toEqual([[id, "completed"]]);
    expect(all.text + JSON.stringify(job)).not.toContain(KEY);
    // Stored for delivery (the agents need the key), never shown.
    expect((await service.repo.extra(id, "n1"))!.ops).toContainEqual({ op: "set", config: "wireless", section: "default_radio0", option: "key", value: KEY });
  });

  it("a failed canary halts; resume and cancel; 404 and 409", async () => {
    const id = (await call("POST", "/api/jobs", roaming)).body.id as string;
    await status(id, "n1", "rolled_back", "verify: not connected to the controller");
    let job = (await call("GET", `/api/jobs/${id}`)).body;
    expect(job.status).toBe("halted");
    expect(job.nodes[0]).toMatchObject({ state: "rolled_back", reason: "verify: not connected to the controller" });
    expect(job.nodes[1].state).toBe("pending");
    expect((await call("POST", `/api/jobs/${id}/resume`)).body.nodes[1].state).toBe("sent");
    job = (await call("POST", `/api/jobs/${id}/cancel`)).body;
    expect(job.status).toBe("cancelled");
    expect((await call("POST", `/api/jobs/${id}/cancel`)).status).toBe(409);
    expect((await call("GET", "/api/jobs/job-doesnotexist")).status).toBe(404);
  });

  it("values with quotes, ;, $(…) are stored literally in the ops", async () => {
    const nasty = "x'; reboot; $(id) `id` \"q\"";
    const id = (await call("POST", "/api/jobs", { template: "ssid", target: "n1", params: { ssid: "Home'Net;$(x)", key: nasty } })).body.id as string;
    const ops = (await service.repo.extra(id, "n1"))!.ops;
    expect(ops).toContainEqual({ op: "set", config: "wireless", section: "default_radio0", option: "ssid", value: "Home'Net;$(x)" });
    expect(ops).toContainEqual({ op: "set", config: "wireless", section: "default_radio0", option: "key", value: nasty });
  });

  it("survives a restart: a new service over the same database carries on", async () => {
    const id = (await call("POST", "/api/jobs", roaming)).body.id as string;
    store.close();
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    service = new JobService({ store, clock, log: silentLogger });
    app = new Hono();
    app.route("/api", jobsRoutes(service));
    await status(id, "n1", "verified");
    expect((await call("GET", `/api/jobs/${id}`)).body.nodes.map((n: any) => n.state)).toEqual(["verified", "sent", "skipped"]);
  });
});
