import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alerts, jobNodes, jobs } from "@meshfleet/migrations";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { Registry } from "./registry";
import { registerWorkMetrics } from "./work";

describe("alert and job metrics (real SQLite)", () => {
  const dir = tempDir("mf-work-metrics-");
  let store: Store;
  beforeAll(() => {
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(1_790_000_000_000) });
  });
  afterAll(() => {
    store?.close();
    dir.cleanup();
  });

  it("open alerts by code and severity, jobs by status (every status, 0 too), the nodes of unfinished jobs by state; each scrape reads the store again", async () => {
    const alert = (code: string, severity: string, state: string, subject: string) => ({ code, subject, node: "n1", severity, state, openedAt: 1, updatedAt: 1, summary: "s", evidence: "{}" });
    store.db.insert(alerts).values([alert("route_flapping", "warning", "open", "a"), alert("route_flapping", "warning", "open", "b"), alert("node_offline", "critical", "open", "c"), alert("node_offline", "critical", "resolved", "d")]).run();
    const job = (id: string, status: string) => ({ id, createdAt: 1, updatedAt: 1, description: "d", template: "roaming", params: "{}", target: "all", verify: "{}", expiresAt: 2, status, rollout: "{}" });
    store.db.insert(jobs).values([job("j1", "running"), job("j2", "completed"), job("j3", "completed")]).run();
    const node = (jobId: string, nodeId: string, state: string) => ({ jobId, nodeId, position: 0, batch: 0, state, ops: "[]", reloads: "[]", basis: "{}" });
    store.db.insert(jobNodes).values([node("j1", "n1", "applied"), node("j1", "n2", "pending"), node("j2", "n1", "applied")]).run();
    const r = new Registry();
    registerWorkMetrics(r, store);
    const lines = (await r.render()).split("\n").filter((l) => l.startsWith("meshfleet_"));
    expect(lines).toEqual([
      'meshfleet_alerts_open{code="node_offline",severity="critical"} 1',
      'meshfleet_alerts_open{code="route_flapping",severity="warning"} 2',
      'meshfleet_jobs{status="running"} 1',
      'meshfleet_jobs{status="halted"} 0',
      'meshfleet_jobs{status="cancelled"} 0',
      'meshfleet_jobs{status="completed"} 2',
      'meshfleet_jobs{status="expired"} 0',
      'meshfleet_job_nodes{state="applied"} 1',
      'meshfleet_job_nodes{state="pending"} 1',
    ]);
    store.db.update(alerts).set({ state: "resolved" }).run();
    const after = await r.render();
    expect(after).not.toContain("meshfleet_alerts_open{");
    expect(after).toMatch(/^# TYPE meshfleet_alerts_open gauge$/m);
  });
});
