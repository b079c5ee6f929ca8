import { DEFAULT_JOB_TEMPLATE, ERROR_CODES, opsOutsideScope, PROTOCOL_VERSION, toWireError, type Job, type JobStatus, type Reload } from "@meshfleet/shared";
import type { Log } from "../log/types";
import { silentLog } from "../log/types";
import type { CommandRunner } from "../runner/types";
import { configsOf, type UciBackend, type UciSnapshot } from "@meshfleet/uci";
import type { FinalJobState, JobRecord, JobStateStore } from "./state-store";
import type { JobClock, JobReport, JobVerifier } from "./types";
import { verifyWithinDeadline } from "./verify";

/** The argv of each reload, in the order they run when a job needs several. */
export const RELOAD_ARGV: Record<Reload, readonly string[]> = {
  network: ["/etc/init.d/network", "reload"],
  wifi: ["wifi", "reload"],
  firewall: ["/etc/init.d/firewall", "reload"],
  bird: ["/etc/init.d/bird", "restart"],
  babeld: ["/etc/init.d/babeld", "restart"],
};
const RELOAD_ORDER: readonly Reload[] = ["network", "wifi", "firewall", "bird", "babeld"];

export interface JobExecutorOptions {
  backend: UciBackend;
  /** Runs the reload commands (the same runner as the collectors). */
  runner: CommandRunner;
  store: JobStateStore;
  verifier: JobVerifier;
  clock: JobClock;
  log?: Log;
  /** Between verification attempts (default 1000 ms). */
  verifyPollMs?: number;
  reloadTimeoutMs?: number;
}

type State = JobStatus["state"];

/**
 * Applies configuration jobs safely (the Agent's jobHandler): idempotent by job id,
 * snapshot -> apply -> commit -> reload -> verify within the deadline; on any failure
 * after the commit, or a failed verification, restore the snapshot, reload again and
 * report `rolled_back` with the reason. Progress is reported as it happens:
 * received, applying, applied, then verified | failed | rolled_back; a job id seen
 * before is reported as `duplicate` followed by its final status again.
 */
export class JobExecutor {
  readonly #o: JobExecutorOptions;
  readonly #log: Log;
  readonly #running = new Set<string>();
  #recovered: Promise<void> | null = null;

  constructor(opts: JobExecutorOptions) {
    this.#o = opts;
    this.#log = (opts.log ?? silentLog).child({ component: "jobs" });
  }

  /**
   * Rolls back any job a previous run left half-done (the agent died between apply and
   * verification). Called by the first `handle`, or explicitly at start.
   */
  recover(): Promise<void> {
    this.#recovered ??= (async () => {
      for (const rec of await this.#o.store.inProgress()) {
        this.#log.warn({ event: "job_recover", jobId: rec.jobId }, "rolling back a job interrupted by a restart");
        const reason = "the agent restarted before the job was verified; restored the previous configuration";
        try {
          if (rec.snapshot) await this.#o.backend.restore(rec.snapshot);
          await this.#reloads(rec.reloads as Reload[], () => Promise.resolve());
          await this.#finish(rec, "rolled_back", reason);
        } catch (e) {
          await this.#finish(rec, "failed", `${reason} failed: ${toWireError(e).message}`);
        }
      }
    })();
    return this.#recovered;
  }

  async handle(job: Job, report: JobReport): Promise<void> {
    const send = (state: State, reason: string | null = null, step: string | null = null) => report(this.#status(job, state, reason, step));
    await send("received", null, `attempt ${job.attempt}`);
    // Defence in depth against a compromised controller account: ops outside the job's
    // template are refused before anything (configuration or job state file) is touched.
    const template = job.template ?? DEFAULT_JOB_TEMPLATE;
    const outside = opsOutsideScope(template, job.ops);
    if (outside.length > 0) {
      const reason = `${ERROR_CODES.jobRefused}: refused, nothing changed: ${outside.slice(0, 5).join("; ")}${outside.length > 5 ? ` (+${outside.length - 5} more)` : ""}`;
      this.#log.warn({ event: "job_refused", jobId: job.id, template, refused: outside.length }, "job refused: ops outside its template");
      await report({ ...this.#status(job, "failed", reason, null), code: ERROR_CODES.jobRefused });
      return;
    }
    let seen: JobRecord | undefined;
    try {
      await this.recover();
      seen = await this.#o.store.get(job.id);
    } catch (e) {
      // Without the state file the executor cannot know whether it ran this job: refuse.
      await send("failed", `job state unavailable, not applied: ${toWireError(e).message}`, null);
      return;
    }
    if (this.#running.has(job.id)) {
      await send("duplicate", null, "already in progress");
      return;
    }
    if (seen && seen.state !== "in_progress") {
      await send("duplicate", null, `already ${seen.state}`);
      await send(seen.state, seen.reason, "final status (repeated)");
      return;
    }
    if (this.#o.clock.now() > job.expiresAt) {
      await this.#finish(this.#record(job, null), "failed", "job expired before it was applied");
      await send("failed", "job expired before it was applied", null);
      return;
    }
    this.#running.add(job.id);
    try {
      await this.#run(job, send);
    } finally {
      this.#running.delete(job.id);
    }
  }

  async #run(job: Job, send: (s: State, reason?: string | null, step?: string | null) => Promise<void>): Promise<void> {
    const { backend } = this.#o;
    const configs = configsOf(job.ops);
    const snapshot = await backend.snapshot(configs);
    const rec = this.#record(job, snapshot);
    await this.#o.store.put(rec);
    await send("applying", null, `apply ${job.ops.length} operation(s) to ${configs.join(", ")}`);
    try {
      await backend.apply(job.ops);
    } catch (e) {
      // Nothing was committed: drop what is staged, the files are untouched.
      await backend.revert(configs).catch(() => undefined);
      const reason = `apply failed: ${toWireError(e).message}`;
      await this.#finish(rec, "failed", reason);
      await send("failed", reason, null);
      return;
    }
    let failure: string | null = null;
    try {
      await send("applying", null, "commit");
      await backend.commit(configs);
      await this.#reloads(job.reloads, (step) => send("applying", null, step));
    } catch (e) {
      failure = `apply failed: ${toWireError(e).message}`;
    }
    if (failure === null) {
      await send("applied", null, null);
      const v = await verifyWithinDeadline(job, this.#o.verifier, this.#o.clock, this.#o.verifyPollMs ?? 1000);
      if (v.ok) {
        await this.#finish(rec, "verified", null);
        await send("verified", null, v.detail ?? null);
        return;
      }
      failure = `verify: ${v.reason}`;
    }
    await this.#rollback(rec, snapshot, job.reloads, failure, send);
  }

  async #rollback(
    rec: JobRecord,
    snapshot: UciSnapshot,
    reloads: readonly Reload[],
    reason: string,
    send: (s: State, reason?: string | null, step?: string | null) => Promise<void>,
  ): Promise<void> {
    this.#log.warn({ event: "job_rollback", jobId: rec.jobId, reason }, "rolling back");
    try {
      await this.#o.backend.restore(snapshot);
      await this.#reloads(reloads, (step) => send("applying", null, `rollback: ${step}`));
    } catch (e) {
      const r = `${reason}; rollback failed: ${toWireError(e).message}`;
      await this.#finish(rec, "failed", r);
      await send("failed", r, null);
      return;
    }
    await this.#finish(rec, "rolled_back", reason);
    await send("rolled_back", reason, null);
  }

  async #reloads(reloads: readonly Reload[], progress: (step: string) => Promise<void>): Promise<void> {
    for (const r of RELOAD_ORDER.filter((x) => reloads.includes(x))) {
      await progress(`reload ${r}`);
      const argv = RELOAD_ARGV[r];
      const res = await this.#o.runner.run(argv, { timeoutMs: this.#o.reloadTimeoutMs ?? 30_000 });
      if (res.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${res.exitCode}: ${res.stderr.trim().slice(0, 200)}`);
    }
  }

  #record(job: Job, snapshot: UciSnapshot | null): JobRecord {
    return { jobId: job.id, state: "in_progress", reason: null, startedAt: this.#o.clock.now(), finishedAt: null, snapshot, reloads: [...job.reloads] };
  }

  async #finish(rec: JobRecord, state: FinalJobState, reason: string | null): Promise<void> {
    await this.#o.store.put({ ...rec, state, reason, finishedAt: this.#o.clock.now(), snapshot: null });
  }

  #status(job: Job, state: State, reason: string | null, step: string | null): JobStatus {
    return {
      type: "jobStatus",
      v: PROTOCOL_VERSION,
      jobId: job.id,
      node: job.node,
      // The Agent replaces this with its boot id.
      boot: "executor",
      ts: this.#o.clock.now(),
      state,
      reason: reason === null ? null : reason.slice(0, 2000),
      step: step === null ? null : step.slice(0, 256),
    };
  }
}
