import { wirelessConfig, type JobNodeState, type JobVerify, type Reload, type UciOp, type WirelessConfig } from "@meshfleet/shared";
import type { StoreApi } from "../store/index";
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

interface JobDbRow {
  id: string;
  created_at: number;
  updated_at: number;
  description: string;
  template: string;
  params: string;
  target: string;
  verify: string;
  expires_at: number;
  status: string;
  rollout: string;
  finished_at: number | null;
}

/** A job's node as stored (`job_nodes`). */
export interface JobNodeDbRow {
  job_id: string;
  node_id: string;
  position: number;
  batch: number;
  state: string;
  ops: string;
  reloads: string;
  basis: string;
  attempts: number;
  first_sent_at: number | null;
  last_sent_at: number | null;
  received_at: number | null;
  applied_at: number | null;
  finished_at: number | null;
  last_status_at: number | null;
  reason: string | null;
  step: string | null;
}

/** The columns of a node's progress, in `nodeValues` order. */
const NODE_COLUMNS = ["batch", "state", "attempts", "first_sent_at", "last_sent_at", "received_at", "applied_at", "finished_at", "last_status_at", "reason", "step"] as const;
const nodeValues = (n: RolloutNode) => [n.batch, n.state, n.attempts, n.firstSentAt, n.lastSentAt, n.receivedAt, n.appliedAt, n.finishedAt, n.lastStatusAt, n.reason, n.step];
const LIVE_SQL = `('${LIVE.join("', '")}')`;

/** Jobs, per-node states and the nodes' latest wireless config, in the controller's store (either database). */
export class JobsRepository {
  constructor(private readonly store: StoreApi) {}

  private get db() {
    return this.store.sql;
  }

  async insert(job: JobRow, state: RolloutState, extras: ReadonlyMap<string, JobNodeExtra>): Promise<void> {
    await this.store.transaction(async () => {
      const { nodes, ...head } = state;
      await this.db.run(
        "INSERT INTO jobs (id, created_at, updated_at, description, template, params, target, verify, expires_at, status, rollout, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [job.id, job.createdAt, job.updatedAt, job.description, job.template, JSON.stringify(job.params), job.target, JSON.stringify(job.verify), job.expiresAt, job.status, JSON.stringify(head), job.finishedAt],
      );
      const cols = ["job_id", "node_id", "position", ...NODE_COLUMNS, "ops", "reloads", "basis"];
      const marks = cols.map((_c, i) => `$${i + 1}`).join(", ");
      for (const [position, n] of nodes.entries()) {
        const x = extras.get(n.id)!;
        await this.db.run(`INSERT INTO job_nodes (${cols.join(", ")}) VALUES (${marks})`, [job.id, n.id, position, ...nodeValues(n), JSON.stringify(x.ops), JSON.stringify(x.reloads), x.basis]);
      }
    });
  }

  async job(id: string): Promise<JobRow | null> {
    const [r] = await this.db.query<JobDbRow>("SELECT * FROM jobs WHERE id = $1", [id]);
    return r ? toJob(r) : null;
  }

  async list(limit: number): Promise<JobRow[]> {
    return (await this.db.query<JobDbRow>("SELECT * FROM jobs ORDER BY created_at DESC, id DESC LIMIT $1", [limit])).map(toJob);
  }

  /** The rollout state (head + nodes in order), or null for an unknown job. */
  async rollout(id: string): Promise<RolloutState | null> {
    const [j] = await this.db.query<{ rollout: string }>("SELECT rollout FROM jobs WHERE id = $1", [id]);
    if (!j) return null;
    const head = JSON.parse(j.rollout) as RolloutHead;
    const nodes = (await this.nodeRows(id)).map(
      (r): RolloutNode => ({
        id: r.node_id,
        batch: r.batch,
        state: r.state as JobNodeState,
        attempts: r.attempts,
        firstSentAt: r.first_sent_at,
        lastSentAt: r.last_sent_at,
        receivedAt: r.received_at,
        appliedAt: r.applied_at,
        finishedAt: r.finished_at,
        lastStatusAt: r.last_status_at,
        reason: r.reason,
        step: r.step,
      }),
    );
    return { ...head, nodes };
  }

  nodeRows(id: string): Promise<JobNodeDbRow[]> {
    return this.db.query<JobNodeDbRow>("SELECT * FROM job_nodes WHERE job_id = $1 ORDER BY position", [id]);
  }

  async extra(jobId: string, nodeId: string): Promise<JobNodeExtra | null> {
    const [r] = await this.db.query<JobNodeDbRow>("SELECT * FROM job_nodes WHERE job_id = $1 AND node_id = $2", [jobId, nodeId]);
    if (!r) return null;
    return { ops: JSON.parse(r.ops) as UciOp[], reloads: JSON.parse(r.reloads) as Reload[], basis: r.basis as "reported" | "baseline" };
  }

  /** Writes the state back: the job head and every node whose columns changed. */
  async save(id: string, prev: RolloutState, next: RolloutState, now: number): Promise<void> {
    await this.store.transaction(async () => {
      const { nodes, ...head } = next;
      const final = next.status !== "running" && next.status !== "halted";
      const finishing = final && prev.status !== next.status;
      await this.db.run(`UPDATE jobs SET rollout = $1, status = $2, updated_at = $3${finishing ? ", finished_at = $3" : ""} WHERE id = $4`, [JSON.stringify(head), next.status, now, id]);
      const set = NODE_COLUMNS.map((c, i) => `${c} = $${i + 1}`).join(", ");
      const n0 = NODE_COLUMNS.length;
      for (const [i, n] of nodes.entries()) {
        if (sameNode(n, prev.nodes[i])) continue;
        await this.db.run(`UPDATE job_nodes SET ${set} WHERE job_id = $${n0 + 1} AND node_id = $${n0 + 2}`, [...nodeValues(n), id, n.id]);
      }
    });
  }

  /** Ids of jobs still running or halted (they may need ticks, re-sends, statuses). */
  async liveJobIds(): Promise<string[]> {
    return (await this.db.query<{ id: string }>(`SELECT id FROM jobs WHERE status IN ${LIVE_SQL}`)).map((r) => r.id);
  }

  /** Live jobs in which this node was sent the job and has not finished it. */
  async jobsAwaiting(nodeId: string): Promise<string[]> {
    const awaiting = `('${[...AWAITING].join("', '")}')`;
    const rows = await this.db.query<{ id: string }>(`SELECT n.job_id AS id FROM job_nodes n JOIN jobs j ON j.id = n.job_id WHERE n.node_id = $1 AND n.state IN ${awaiting} AND j.status IN ${LIVE_SQL}`, [nodeId]);
    return rows.map((r) => r.id);
  }

  /**
   * Keeps a node's latest wireless config, and its history: a row when the reported
   * config differs from the latest one (`node_wireless_history`).
   */
  async putWireless(nodeId: string, ts: number, config: WirelessConfig): Promise<void> {
    const json = JSON.stringify(config);
    const [cur] = await this.db.query<{ config: string }>("SELECT config FROM node_wireless WHERE node_id = $1", [nodeId]);
    if (cur?.config !== json) {
      await this.db.run("INSERT INTO node_wireless_history (node_id, ts, config) VALUES ($1, $2, $3) ON CONFLICT (node_id, ts) DO UPDATE SET config = excluded.config", [nodeId, ts, json]);
    }
    await this.db.run("INSERT INTO node_wireless (node_id, ts, config) VALUES ($1, $2, $3) ON CONFLICT (node_id) DO UPDATE SET ts = excluded.ts, config = excluded.config", [nodeId, ts, json]);
  }

  /** Each node's wireless config as last reported at or before `at` (nodes without one by then are absent). */
  async wirelessAt(at: number): Promise<Map<string, WirelessConfig>> {
    const rows = await this.db.query<{ node_id: string; config: string }>(
      "SELECT h.node_id, h.config FROM node_wireless_history h JOIN (SELECT node_id, max(ts) AS ts FROM node_wireless_history WHERE ts <= $1 GROUP BY node_id) m ON m.node_id = h.node_id AND m.ts = h.ts ORDER BY h.node_id",
      [at],
    );
    const out = new Map<string, WirelessConfig>();
    for (const r of rows) {
      const parsed = wirelessConfig.safeParse(JSON.parse(r.config));
      if (parsed.success) out.set(r.node_id, parsed.data);
    }
    return out;
  }

  async wireless(nodeId: string): Promise<WirelessConfig | null> {
    const [r] = await this.db.query<{ config: string }>("SELECT config FROM node_wireless WHERE node_id = $1", [nodeId]);
    if (!r) return null;
    const parsed = wirelessConfig.safeParse(JSON.parse(r.config));
    return parsed.success ? parsed.data : null;
  }
}

function toJob(r: JobDbRow): JobRow {
  return {
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    description: r.description,
    template: r.template,
    params: JSON.parse(r.params) as Record<string, unknown>,
    target: r.target,
    verify: JSON.parse(r.verify) as JobVerify,
    expiresAt: r.expires_at,
    status: r.status as JobRunStatus,
    finishedAt: r.finished_at,
  };
}
