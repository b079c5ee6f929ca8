import type { StoreApi } from "../store/index";
import type { Registry } from "./registry";

/** Job statuses, each exported even at 0 (a dashboard panel then reads 0, not "no data"). */
const JOB_STATUSES = ["running", "halted", "cancelled", "completed", "expired"] as const;

/**
 * Alert and job gauges computed from the store at every scrape: open alerts by code and
 * severity, jobs by status, and the nodes of unfinished (running, halted) jobs by state.
 */
export function registerWorkMetrics(r: Registry, store: StoreApi): void {
  r.collect(async () => {
    const db = store.sql;
    const open = await db.query<{ code: string; severity: string; n: number }>("SELECT code, severity, count(*) AS n FROM alerts WHERE state = 'open' GROUP BY code, severity");
    const byStatus = new Map<string, number>(JOB_STATUSES.map((s) => [s, 0]));
    for (const j of await db.query<{ status: string; n: number }>("SELECT status, count(*) AS n FROM jobs GROUP BY status")) byStatus.set(j.status, Number(j.n));
    const nodes = await db.query<{ state: string; n: number }>("SELECT n.state, count(*) AS n FROM job_nodes n JOIN jobs j ON j.id = n.job_id AND j.status IN ('running', 'halted') GROUP BY n.state");
    return [
      { name: "meshfleet_alerts_open", help: "Open alerts by code and severity.", kind: "gauge", labelNames: ["code", "severity"], samples: open.map((a) => ({ labels: { code: a.code, severity: a.severity }, value: Number(a.n) })) },
      { name: "meshfleet_jobs", help: "Configuration jobs by status.", kind: "gauge", labelNames: ["status"], samples: [...byStatus].map(([status, value]) => ({ labels: { status }, value })) },
      { name: "meshfleet_job_nodes", help: "Nodes of running or halted jobs by their state in the job.", kind: "gauge", labelNames: ["state"], samples: nodes.map((n) => ({ labels: { state: n.state }, value: Number(n.n) })) },
    ];
  });
}
