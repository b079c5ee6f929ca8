import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "zod/mini";

/**
 * What the executor remembers per job id, across restarts: the final status of every
 * job it finished (so a redelivered job is re-reported, never applied twice), and for
 * the job it is running, the snapshot to restore if the agent dies half-way (power cut,
 * crash after a network reload): on the next start the job is rolled back.
 */
export const jobRecord = z.object({
  jobId: z.string(),
  state: z.enum(["in_progress", "verified", "failed", "rolled_back"]),
  reason: z.nullable(z.string()),
  startedAt: z.number(),
  finishedAt: z.nullable(z.number()),
  /** Only while in progress. */
  snapshot: z.nullable(z.object({ configs: z.record(z.string(), z.nullable(z.string())) })),
  reloads: z.array(z.string()),
});
export type JobRecord = z.infer<typeof jobRecord>;
export type FinalJobState = Exclude<JobRecord["state"], "in_progress">;

const stateFile = z.object({ version: z.literal(1), jobs: z.array(jobRecord) });

export interface JobStateStore {
  get(jobId: string): Promise<JobRecord | undefined>;
  put(record: JobRecord): Promise<void>;
  /** Records still in progress (left by a previous run). */
  inProgress(): Promise<JobRecord[]>;
}

/** In memory (tests, `collect --once`). */
export class MemoryJobStateStore implements JobStateStore {
  readonly records = new Map<string, JobRecord>();
  get(jobId: string): Promise<JobRecord | undefined> {
    return Promise.resolve(this.records.get(jobId));
  }
  put(record: JobRecord): Promise<void> {
    this.records.set(record.jobId, structuredClone(record));
    return Promise.resolve();
  }
  inProgress(): Promise<JobRecord[]> {
    return Promise.resolve([...this.records.values()].filter((r) => r.state === "in_progress"));
  }
}

/**
 * A small JSON file (`/etc/meshfleet/jobs.json` on a router: it must survive a reboot),
 * written atomically (temp + rename), keeping the newest `keep` finished jobs. A file
 * that cannot be read as this format is an error, not an empty state: forgetting which
 * jobs ran would re-apply them.
 */
export class FileJobStateStore implements JobStateStore {
  #cache: JobRecord[] | null = null;
  #write: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly keep = 200,
  ) {}

  async #load(): Promise<JobRecord[]> {
    if (this.#cache) return this.#cache;
    let text: string | null = null;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    this.#cache = text === null ? [] : stateFile.parse(JSON.parse(text)).jobs;
    return this.#cache;
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    return (await this.#load()).find((r) => r.jobId === jobId);
  }

  async put(record: JobRecord): Promise<void> {
    const jobs = (await this.#load()).filter((r) => r.jobId !== record.jobId);
    jobs.push(structuredClone(record));
    const running = jobs.filter((r) => r.state === "in_progress");
    const done = jobs.filter((r) => r.state !== "in_progress").slice(-this.keep);
    this.#cache = [...done, ...running];
    const text = JSON.stringify({ version: 1, jobs: this.#cache });
    this.#write = this.#write.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, text, { encoding: "utf8", mode: 0o600 });
      await rename(`${this.path}.tmp`, this.path);
    });
    await this.#write;
  }

  async inProgress(): Promise<JobRecord[]> {
    return (await this.#load()).filter((r) => r.state === "in_progress");
  }
}

