import type { Job, JobStatus } from "@meshfleet/shared";

/** Time source (injected; `systemClock` in main.ts, a fake in tests). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Applies configuration jobs (the jobs engineer's executor). `report` publishes a job
 * status; the agent fills in `node` and `boot` (and `v`) when they are missing or differ.
 */
export interface JobHandler {
  handle(job: Job, report: (s: JobStatus) => Promise<void>): Promise<void>;
}

export type AgentMode = "local" | "ssh" | "prefixed" | "simulated";
