import { and, desc, eq, inArray } from "drizzle-orm";
import { jobNodes, jobs, nodeWireless } from "@meshfleet/migrations";
import { wirelessConfig, type JobNodeState, type JobVerify, type Reload, type UciOp, type WirelessConfig } from "@meshfleet/shared";
import type { Store } from "../store/index";
import { AWAITING, type JobRunStatus, type RolloutNode, type RolloutState } from "./rollout";

export interface JobRow {
  id: string;
  createdAt: number;
  updatedAt: number;
  description: string;
  template: string;
  /** Secrets masked. */
  params: Record<string, unknown>;
  target: string;
  verify: JobVerify;
  expiresAt: number;
  status: JobRunStatus;
  finishedAt: number | null;
}

export interface JobNodeExtra {
  ops: UciOp[];
  reloads: Reload[];
  basis: "reported" | "baseline";
}

type RolloutHead = Omit<RolloutState, "nodes">;

function sameNode(a: RolloutNode, b: RolloutNode | undefined): boolean {
  if (b === undefined) return false;
  for (const k of Object.keys(a) as (keyof RolloutNode)[]) if (a[k] !== b[k]) return false;
  return true;
}
const LIVE: JobRunStatus[] = ["running", "halted"];

/** Jobs, per-node states and the nodes' latest wireless config, in the controller's SQLite. */
export class JobsRepository {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  insert(job: JobRow, state: RolloutState, extras: ReadonlyMap<string, JobNodeExtra>): void {
    this.store.transaction(() => {
      const { nodes, ...head } = state;
      this.db
        .insert(jobs)
        .values({ ...job, params: JSON.stringify(job.params), verify: JSON.stringify(job.verify), rollout: JSON.stringify(head) })
        .run();
      nodes.forEach((n, position) => {
        const x = extras.get(n.id)!;
        this.db
          .insert(jobNodes)
          .values({ jobId: job.id, nodeId: n.id, position, ...this.nodeCols(n), ops: JSON.stringify(x.ops), reloads: JSON.stringify(x.reloads), basis: x.basis })
          .run();
      });
    });
  }

  private nodeCols(n: RolloutNode) {
    return {
      batch: n.batch,
      state: n.state,
      attempts: n.attempts,
      firstSentAt: n.firstSentAt,
      lastSentAt: n.lastSentAt,
      receivedAt: n.receivedAt,
      appliedAt: n.appliedAt,
      finishedAt: n.finishedAt,
      lastStatusAt: n.lastStatusAt,
      reason: n.reason,
      step: n.step,
    };
  }

  job(id: string): JobRow | null {
    const r = this.db.select().from(jobs).where(eq(jobs.id, id)).get();
    return r ? this.toJob(r) : null;
  }

  private toJob(r: typeof jobs.$inferSelect): JobRow {
    return {
      id: r.id,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      description: r.description,
      template: r.template,
      params: JSON.parse(r.params) as Record<string, unknown>,
      target: r.target,
      verify: JSON.parse(r.verify) as JobVerify,
      expiresAt: r.expiresAt,
      status: r.status as JobRunStatus,
      finishedAt: r.finishedAt,
    };
  }

  list(limit: number): JobRow[] {
    return this.db.select().from(jobs).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(limit).all().map((r) => this.toJob(r));
  }

  /** The rollout state (head + nodes in order), or null for an unknown job. */
  rollout(id: string): RolloutState | null {
    const j = this.db.select({ rollout: jobs.rollout }).from(jobs).where(eq(jobs.id, id)).get();
    if (!j) return null;
    const head = JSON.parse(j.rollout) as RolloutHead;
    const c = jobNodes;
    const rows = this.db
      .select({
        nodeId: c.nodeId,
        batch: c.batch,
        state: c.state,
        attempts: c.attempts,
        firstSentAt: c.firstSentAt,
        lastSentAt: c.lastSentAt,
        receivedAt: c.receivedAt,
        appliedAt: c.appliedAt,
        finishedAt: c.finishedAt,
        lastStatusAt: c.lastStatusAt,
        reason: c.reason,
        step: c.step,
      })
      .from(c)
      .where(eq(c.jobId, id))
      .orderBy(c.position)
      .all();
    const nodes = rows.map(
      (r): RolloutNode => ({
        id: r.nodeId,
        batch: r.batch,
        state: r.state as JobNodeState,
        attempts: r.attempts,
        firstSentAt: r.firstSentAt,
        lastSentAt: r.lastSentAt,
        receivedAt: r.receivedAt,
        appliedAt: r.appliedAt,
        finishedAt: r.finishedAt,
        lastStatusAt: r.lastStatusAt,
        reason: r.reason,
        step: r.step,
      }),
    );
    return { ...head, nodes };
  }

  nodeRows(id: string) {
    return this.db.select().from(jobNodes).where(eq(jobNodes.jobId, id)).orderBy(jobNodes.position).all();
  }

  extra(jobId: string, nodeId: string): JobNodeExtra | null {
    const r = this.db.select().from(jobNodes).where(and(eq(jobNodes.jobId, jobId), eq(jobNodes.nodeId, nodeId))).get();
    if (!r) return null;
    return { ops: JSON.parse(r.ops) as UciOp[], reloads: JSON.parse(r.reloads) as Reload[], basis: r.basis as "reported" | "baseline" };
  }

  /** Writes the state back: the job head and every node whose columns changed. */
  save(id: string, prev: RolloutState, next: RolloutState, now: number): void {
    this.store.transaction(() => {
      const { nodes, ...head } = next;
      const final = next.status !== "running" && next.status !== "halted";
      this.db
        .update(jobs)
        .set({ rollout: JSON.stringify(head), status: next.status, updatedAt: now, ...(final && prev.status !== next.status ? { finishedAt: now } : {}) })
        .where(eq(jobs.id, id))
        .run();
      nodes.forEach((n, i) => {
        if (sameNode(n, prev.nodes[i])) return;
        this.db
          .update(jobNodes)
          .set(this.nodeCols(n))
          .where(and(eq(jobNodes.jobId, id), eq(jobNodes.nodeId, n.id)))
          .run();
      });
    });
  }

  /** Ids of jobs still running or halted (they may need ticks, re-sends, statuses). */
  liveJobIds(): string[] {
    return this.db.select({ id: jobs.id }).from(jobs).where(inArray(jobs.status, LIVE)).all().map((r) => r.id);
  }

  /** Live jobs in which this node was sent the job and has not finished it. */
  jobsAwaiting(nodeId: string): string[] {
    return this.db
      .select({ id: jobNodes.jobId })
      .from(jobNodes)
      .innerJoin(jobs, eq(jobs.id, jobNodes.jobId))
      .where(and(eq(jobNodes.nodeId, nodeId), inArray(jobNodes.state, [...AWAITING]), inArray(jobs.status, LIVE)))
      .all()
      .map((r) => r.id);
  }

  putWireless(nodeId: string, ts: number, config: WirelessConfig): void {
    const text = JSON.stringify(config);
    this.db
      .insert(nodeWireless)
      .values({ nodeId, ts, config: text })
      .onConflictDoUpdate({ target: nodeWireless.nodeId, set: { ts, config: text } })
      .run();
  }

  wireless(nodeId: string): WirelessConfig | null {
    const r = this.db.select().from(nodeWireless).where(eq(nodeWireless.nodeId, nodeId)).get();
    if (!r) return null;
    const parsed = wirelessConfig.safeParse(JSON.parse(r.config));
    return parsed.success ? parsed.data : null;
  }
}
