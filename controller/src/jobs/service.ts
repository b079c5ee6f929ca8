import { randomUUID } from "node:crypto";
import type { NatsConnection } from "@nats-io/transport-node";
import { CAPABILITIES, job as jobSchema, PROTOCOL_VERSION, subjects, maskSecretText, toWireError, type Job } from "@meshfleet/shared";
import type { IngestItem } from "../ingest/decode";
import type { Logger } from "../log";
import type { Clock, StoreApi } from "../store/index";
import { baselineWireless } from "./baseline";
import { maskParams } from "./mask";
import { planNode, type NodePlan } from "./plan";
import { JobsRepository, type JobNodeExtra, type JobRow } from "./repo";
import { initRollout, stepAll, type RolloutInput, type RolloutState } from "./rollout";
import { validateJobRequest, type ValidatedJob } from "./spec";
import { TEMPLATES, type Issue } from "./templates/index";

export interface JobServiceOptions {
  store: StoreApi;
  clock: Clock;
  log: Logger;
  /** How often live jobs are stepped (pauses, re-sends, expiry); default 1000 ms. */
  tickMs?: number;
  /** A node counts as online (and goes first) when seen within this many of its intervals. */
  onlineIntervals?: number;
}

/** What the ingest offers the service (the controller's Ingest satisfies it). */
export interface IngestFeed {
  onCommitted(listener: (items: readonly IngestItem[]) => void | Promise<void>): () => void;
  onTransaction?(writer: (items: readonly IngestItem[]) => void): () => void;
}

export type PlanResult = { ok: true; value: ValidatedJob; plans: NodePlan[] } | { ok: false; issues: Issue[] };

/**
 * Runs configuration jobs: plans them, keeps every job and per-node state in SQLite,
 * delivers each node's job on `subjects.job(node)` (at least once: re-sent while the
 * node has not answered, and at once when it says hello again, until the job expires),
 * follows the agents' statuses from the ingest and drives the rollout state machine.
 * All state is in the database, so a restarted controller carries on where it stopped.
 */
export class JobService {
  readonly repo: JobsRepository;
  #nc: NatsConnection | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Whether this controller runs the rollouts (always, unless several controllers share them: then the leader). */
  #leading = true;
  #unsubs: (() => void)[] = [];
  #ticking = false;

  constructor(private readonly o: JobServiceOptions) {
    this.repo = new JobsRepository(o.store);
  }

  /** Connects the service to NATS and the ingest, and starts stepping live jobs. */
  start(nc: NatsConnection, ingest: IngestFeed): void {
    this.#nc = nc;
    this.#unsubs.push(ingest.onCommitted((items) => this.onItems(items)));
    this.#timer = setInterval(() => void this.tick(), this.o.tickMs ?? 1000);
    this.#timer.unref();
    void this.tick();
  }

  /** Several controllers: only the leader steps rollouts; the others keep each node's wireless config. */
  setLeading(leading: boolean): void {
    this.#leading = leading;
    if (leading && this.#nc) void this.tick();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const u of this.#unsubs.splice(0)) u();
    this.#nc = null;
  }

  /** Validates and renders a job for every target node (nothing is stored or sent). */
  async plan(body: unknown): Promise<PlanResult> {
    const now = this.o.clock.now();
    const rows = await this.o.store.nodes.list();
    const v = validateJobRequest(
      body,
      rows.map((n) => ({ id: n.id, tags: n.tags })),
    );
    if (!v.ok) return v;
    const byId = new Map(rows.map((r) => [r.id, r]));
    const online = (id: string) => {
      const r = byId.get(id);
      return r !== undefined && now - r.lastSeen <= (this.o.onlineIntervals ?? 3) * (r.intervalMs ?? 10_000);
    };
    // Online nodes first, so the canary is a node that can answer now.
    const ordered = [...v.value.nodes].sort((a, b) => Number(online(b)) - Number(online(a)) || a.localeCompare(b));
    const template = TEMPLATES[v.value.request.template]!;
    const reportedAll = new Map<string, Awaited<ReturnType<JobsRepository["wireless"]>>>();
    for (const id of ordered) reportedAll.set(id, await this.repo.wireless(id));
    const plans = ordered.map((id) => {
      const row = byId.get(id);
      const release = row?.release ?? null;
      const reported = reportedAll.get(id) ?? null;
      const plan = planNode(template, v.value.params, { id, release, wireless: reported ?? baselineWireless(release), baseline: reported === null });
      // A node whose agent runs without a job handler (collect-only) would never answer.
      if (plan.skip === null && row?.lastHelloAt != null && !row.capabilities.includes(CAPABILITIES.uciJobs)) {
        return { ...plan, skip: `the agent does not apply jobs (no ${CAPABILITIES.uciJobs} capability in its hello)` };
      }
      return plan;
    });
    return { ok: true, value: v.value, plans };
  }

  /** Creates the job (after `plan` succeeded) and starts its rollout. */
  async create(planned: Extract<PlanResult, { ok: true }>): Promise<string> {
    const now = this.o.clock.now();
    const { request: req, params } = planned.value;
    const template = TEMPLATES[req.template]!;
    const id = `job-${randomUUID()}`;
    const row: JobRow = {
      id,
      createdAt: now,
      updatedAt: now,
      description: req.description ?? `${req.template} on ${req.target}`,
      template: req.template,
      params: maskParams(params as Record<string, unknown>, template.secretParams),
      target: req.target,
      verify: req.verify,
      expiresAt: now + req.expiresInMs,
      status: "running",
      finishedAt: null,
    };
    const state = initRollout(
      planned.plans.map((p) => ({ id: p.node, skip: p.skip })),
      req.rollout,
      row.expiresAt,
    );
    const extras = new Map<string, JobNodeExtra>(planned.plans.map((p) => [p.node, { ops: p.ops, reloads: p.reloads, basis: p.basis }]));
    await this.repo.insert(row, state, extras);
    this.o.log.info({ jobId: id, template: req.template, target: req.target, nodes: planned.plans.length }, "job created");
    if (this.#leading) await this.drive(id, { type: "tick" });
    return id;
  }

  cancel(id: string): Promise<RolloutState | null> {
    return this.drive(id, { type: "cancel" });
  }

  resume(id: string): Promise<RolloutState | null> {
    return this.drive(id, { type: "resume" });
  }

  /**
   * Steps every live job (pauses, re-sends, expiry). Runs on a timer: a store that cannot
   * write (disk full, read-only) is logged and the next tick tries again, never thrown
   * out of the timer (which would end the process).
   */
  async tick(): Promise<void> {
    if (!this.#leading || this.#ticking) return;
    this.#ticking = true;
    try {
      await this.tickJobs();
    } finally {
      this.#ticking = false;
    }
  }

  private async tickJobs(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.repo.liveJobIds();
    } catch (e) {
      this.o.log.error({ error: toWireError(e).message }, "job service could not list live jobs");
      return;
    }
    for (const id of ids) {
      try {
        await this.drive(id, { type: "tick" });
      } catch (e) {
        this.o.log.error({ jobId: id, error: toWireError(e).message }, "job service could not step a job; next tick retries");
      }
    }
  }

  /**
   * Job statuses move the rollouts; a hello re-delivers jobs the node has not finished;
   * snapshots keep each node's wireless config for planning. A batch's inputs are
   * grouped per job: one load, one state machine pass and one write per job and batch.
   */
  async onItems(items: readonly IngestItem[]): Promise<void> {
    const perJob = new Map<string, RolloutInput[]>();
    const add = (id: string, input: RolloutInput) => {
      const list = perJob.get(id);
      if (list) list.push(input);
      else perJob.set(id, [input]);
    };
    for (const it of items) {
      try {
        if (!this.#leading && it.kind !== "snapshot") continue;
        if (it.kind === "jobStatus") {
          const m = it.msg;
          add(m.jobId, { type: "status", node: m.node, state: m.state, reason: m.reason === null ? null : maskSecretText(m.reason), step: m.step === null ? null : maskSecretText(m.step) });
        } else if (it.kind === "hello") {
          for (const id of await this.repo.jobsAwaiting(it.msg.node)) add(id, { type: "online", node: it.msg.node });
        } else if (it.kind === "snapshot" && it.msg.wireless.data !== null) {
          await this.repo.putWireless(it.msg.node, it.msg.ts, it.msg.wireless.data);
        }
      } catch (e) {
        this.o.log.error({ kind: it.kind, error: toWireError(e).message }, "job service could not handle an ingest item");
      }
    }
    for (const [id, inputs] of perJob) {
      try {
        await this.drive(id, ...inputs);
      } catch (e) {
        this.o.log.error({ jobId: id, error: toWireError(e).message }, "job service could not step a job");
      }
    }
  }

  /**
   * State machine steps, persisted, then their effects (deliveries) performed. Load, step
   * and write run in one store transaction: transactions run one after another, so two
   * steps of one job never interleave.
   */
  async drive(id: string, ...inputs: RolloutInput[]): Promise<RolloutState | null> {
    const stepped = await this.o.store.transaction(async () => {
      const prev = await this.repo.rollout(id);
      if (prev === null) return null;
      const now = this.o.clock.now();
      const r = stepAll(prev, inputs, now);
      await this.repo.save(id, prev, r.state, now);
      return r;
    });
    if (stepped === null) return null;
    for (const e of stepped.effects) {
      if (e.type === "job") this.o.log.info({ jobId: id, status: e.status, reason: e.reason }, "job status changed");
      else await this.deliver(id, e.node, e.attempt);
    }
    return stepped.state;
  }

  private async deliver(id: string, node: string, attempt: number): Promise<void> {
    const row = await this.repo.job(id);
    const extra = await this.repo.extra(id, node);
    const nc = this.#nc;
    if (!row || !extra || !nc || nc.isClosed()) return; // the next re-send or hello delivers it
    const msg: Job = jobSchema.parse({
      type: "job",
      v: PROTOCOL_VERSION,
      id,
      node,
      attempt,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      description: row.description.slice(0, 256),
      template: row.template,
      ops: extra.ops,
      reloads: extra.reloads,
      verify: row.verify,
    });
    try {
      nc.publish(subjects.job(node), JSON.stringify(msg));
      this.o.log.debug({ jobId: id, node, attempt }, "job delivered");
    } catch (e) {
      this.o.log.warn({ jobId: id, node, error: toWireError(e).message }, "job delivery failed; will retry");
    }
  }
}
