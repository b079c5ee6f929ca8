import type { Job, JobStatus } from "@meshfleet/shared";

/** Time for the executor: now, and a sleep that tests can make instant. */
export interface JobClock {
  now(): number;
  /** Resolves after ms, or at once (without the time having passed) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemJobClock: JobClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      });
    }),
};

export type VerifyResult = { ok: true; detail?: string } | { ok: false; reason: string };

/** One verification attempt; the executor repeats it until it passes or the deadline. */
export interface JobVerifier {
  check(job: Job): Promise<VerifyResult>;
}

export type JobReport = (s: JobStatus) => Promise<void>;
