import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import type { ApiDeps } from "../http/deps";
import { seedJobNodes } from "../../testing/jobs";
import { modules } from "../serve";
import { checkAnswer, dryRunAnswer, jobAnswer, jobRefused, jobsAnswer } from "../jobs/api-schemas";
import { alertsAnswer, churnAnswer, convergenceAnswer, eventsAnswer, oneSilence, silencesAnswer } from "../detect/api-schemas";
import { clientsAnswer, roamingAnswer } from "../clients/api-schemas";
import { auditAnswer, commandsAnswer } from "../diag/api-schemas";
import { healthAnswer } from "../health/routes";
import { createApi } from "./app";

const T0 = 1_800_000_000_000;

/** The feature modules' answers, as served, parse with the schemas their routes declare in the OpenAPI document. */
describe("module routes answer what the document declares", () => {
  let store: Store;
  let dir: ReturnType<typeof tempDir>;
  let app: ReturnType<typeof createApi>;
  const call = async <S extends z.ZodType>(schema: S, path: string, status: number, body?: unknown): Promise<z.infer<S>> => {
    const r = await app.request(path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const got: unknown = await r.json();
    expect(r.status, `${path} ${JSON.stringify(got).slice(0, 300)}`).toBe(status);
    return schema.parse(got);
  };

  beforeAll(async () => {
    dir = tempDir("mf-answers-");
    const clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    await seedJobNodes(store, T0);
    const deps: ApiDeps = { store, clock, log: silentLogger, registry: new Registry(), auth: "off" };
    deps.routes = modules().flatMap((m) => (m.routes ? [m.routes(deps)] : []));
    app = createApi(deps);
  });
  afterAll(() => {
    store.close();
    dir.cleanup();
  });

  it("jobs: a dry run, a created job, the list, a check and a refusal", async () => {
    const roaming = { template: "roaming", target: "all", params: { ssid: "HomeNet", key: "correct horse battery", mobility_domain: "a1b2" } };
    const dry = await call(dryRunAnswer, "/api/jobs?dryRun=1", 200, roaming);
    expect(dry.nodes.map((n) => n.node)).toEqual(["n1", "n2"]);
    const job = await call(jobAnswer, "/api/jobs", 201, roaming);
    expect([job.template, job.counts.pending + job.counts.sent, job.nodes.length]).toEqual(["roaming", 2, 2]);
    expect((await call(jobAnswer, `/api/jobs/${job.id}`, 200)).id).toBe(job.id);
    expect((await call(jobsAnswer, "/api/jobs", 200)).jobs.map((j) => j.id)).toEqual([job.id]);
    expect((await call(jobAnswer, `/api/jobs/${job.id}/cancel`, 200, {})).status).toBe("cancelled");
    expect(await call(checkAnswer, "/api/jobs/check", 200, roaming)).toEqual({ valid: true, issues: [] });
    expect((await call(jobRefused, "/api/jobs", 400, { template: "nope", target: "all" })).issues[0]!.path).toBe("template");
  });

  it("detection, clients, diagnostics, health", async () => {
    expect((await call(eventsAnswer, "/api/events", 200)).events).toEqual([]);
    expect((await call(alertsAnswer, "/api/alerts", 200)).alerts).toEqual([]);
    expect((await call(convergenceAnswer, "/api/convergence", 200)).open).toBeNull();
    expect((await call(churnAnswer, "/api/churn", 200)).thresholds.openAbove).toBeGreaterThan(0);
    const s = await call(oneSilence, "/api/alerts/silences", 201, { node: "n1", durationMs: 60_000, reason: "maintenance" });
    expect([s.silence.node, s.silence.untilTs - s.silence.fromTs]).toEqual(["n1", 60_000]);
    expect((await call(silencesAnswer, "/api/alerts/silences", 200)).silences.map((x) => x.id)).toEqual([s.silence.id]);
    expect((await call(clientsAnswer, "/api/clients", 200)).clients).toEqual([]);
    expect("fleet" in (await call(roamingAnswer, "/api/roaming", 200))).toBe(true);
    expect((await call(commandsAnswer, "/api/diag/commands", 200)).commands.map((c) => c.kind)).toContain("ping");
    expect((await call(auditAnswer, "/api/diag/audit", 200)).audit).toEqual([]);
    expect((await call(healthAnswer, "/healthz", 200)).status).toBe("ok");
  });
});
