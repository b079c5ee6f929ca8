/**
 * Config jobs quiet their own after-effects: while a job is applied and verified on a node
 * (from its first delivery until it finished, plus a grace for the mesh to settle after
 * the reloads), alerts about that node, or whose evidence goes through it, are recorded
 * under the job's silence and not notified. Pure: the service reads the jobs.
 */

/** How long after a node finished its job (verified, failed, rolled back) its reloads' effects are still the job's. */
export const JOB_GRACE_MS = 2 * 60_000;

export interface JobNodeProgress {
  id: string;
  firstSentAt: number | null;
  finishedAt: number | null;
}

export interface JobProgress {
  id: string;
  template: string;
  nodes: readonly JobNodeProgress[];
}

/** One node's quiet window for one job; `untilTs` of an unfinished node is `now + grace` (renewed while it runs). */
export interface JobWindow {
  jobId: string;
  template: string;
  node: string;
  fromTs: number;
  untilTs: number;
}

/** The windows open at `nowMs` (or ended less than `graceMs` ago), sorted by job then node. */
export function jobWindows(jobs: readonly JobProgress[], nowMs: number, graceMs = JOB_GRACE_MS): JobWindow[] {
  const out: JobWindow[] = [];
  for (const j of jobs) {
    for (const n of j.nodes) {
      if (n.firstSentAt === null) continue;
      const untilTs = n.finishedAt === null ? nowMs + graceMs : n.finishedAt + graceMs;
      if (untilTs <= nowMs) continue;
      out.push({ jobId: j.id, template: j.template, node: n.id, fromTs: n.firstSentAt, untilTs });
    }
  }
  return out.sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/** The `createdBy` of a job's silences: `job:<id>`. */
export const jobActor = (jobId: string) => `job:${jobId}`;

/** The window of the first job quieting any of `nodes` at `ts`. */
export function windowFor(windows: readonly JobWindow[], nodes: readonly string[], ts: number): JobWindow | null {
  const set = new Set(nodes);
  return windows.find((w) => set.has(w.node) && ts >= w.fromTs && ts < w.untilTs) ?? null;
}
