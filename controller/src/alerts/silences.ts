import type { Alert } from "@meshfleet/shared";
import { listChunks, valueChunks, type SqlDb } from "../store/index";

type JobSilenceInput = Omit<Silence, "id" | "kind" | "code" | "subject"> & { node: string };

/**
 * A silence (from now, for a duration), a maintenance window (planned) or a config job's
 * apply-and-verify window (created by the controller, `createdBy: job:<id>`): matching
 * alerts are recorded, not notified.
 */
export interface Silence {
  id: number;
  kind: "silence" | "maintenance" | "job";
  /** null: any. A node matches alerts about it (their node or one of the nodes of a link). */
  node: string | null;
  code: string | null;
  subject: string | null;
  fromTs: number;
  untilTs: number;
  reason: string;
  createdBy: string;
  createdAt: number;
}

/** Does the silence cover this alert at `ts`? */
export function silences(s: Silence, a: Pick<Alert, "code" | "subject" | "node" | "evidence">, ts: number): boolean {
  if (ts < s.fromTs || ts >= s.untilTs) return false;
  if (s.code !== null && s.code !== a.code) return false;
  if (s.subject !== null && s.subject !== a.subject) return false;
  if (s.node !== null) {
    const nodes = Array.isArray(a.evidence.detail?.nodes) ? (a.evidence.detail.nodes as unknown[]) : [];
    if (a.node !== s.node && !nodes.includes(s.node)) return false;
  }
  return true;
}

interface SilenceDbRow {
  id: number;
  kind: string;
  node: string | null;
  code: string | null;
  subject: string | null;
  from_ts: number;
  until_ts: number;
  reason: string;
  created_by: string;
  created_at: number;
}

const toSilence = (r: SilenceDbRow): Silence => ({ id: r.id, kind: r.kind as Silence["kind"], node: r.node, code: r.code, subject: r.subject, fromTs: r.from_ts, untilTs: r.until_ts, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at });

/** Silences and maintenance windows in the database (either store). */
export class SilencesRepository {
  constructor(private readonly db: SqlDb) {}

  async create(s: Omit<Silence, "id">): Promise<Silence> {
    const [r] = await this.db.query<{ id: number }>(
      "INSERT INTO alert_silences (kind, node, code, subject, from_ts, until_ts, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      [s.kind, s.node, s.code, s.subject, s.fromTs, s.untilTs, s.reason, s.createdBy, s.createdAt],
    );
    return { ...s, id: r!.id };
  }

  /** Silences not yet over at `nowMs` (current and planned), newest first; `all` includes expired ones. */
  async list(nowMs: number, all = false): Promise<Silence[]> {
    const rows = all
      ? await this.db.query<SilenceDbRow>("SELECT * FROM alert_silences ORDER BY id DESC LIMIT 1000")
      : await this.db.query<SilenceDbRow>("SELECT * FROM alert_silences WHERE until_ts > $1 ORDER BY id DESC LIMIT 1000", [nowMs]);
    return rows.map(toSilence);
  }

  async get(id: number): Promise<Silence | null> {
    const [r] = await this.db.query<SilenceDbRow>("SELECT * FROM alert_silences WHERE id = $1", [id]);
    return r ? toSilence(r) : null;
  }

  /** The silence a config job holds for one node (`createdBy` `job:<id>`), created or moved to the window given. */
  async putJobSilence(s: JobSilenceInput): Promise<Silence> {
    return (await this.putJobSilences([s]))[0]!;
  }

  /**
   * `putJobSilence` for several (job, node) windows, in order: one SELECT for all, one
   * upsert for the windows that moved, an INSERT for each new one.
   */
  async putJobSilences(list: readonly JobSilenceInput[]): Promise<Silence[]> {
    const key = (createdBy: string, node: string | null) => `${createdBy}\0${node}`;
    const held = new Map<string, Silence>();
    for (const c of listChunks([...new Set(list.map((s) => s.createdBy))])) {
      for (const r of await this.db.query<SilenceDbRow>(`SELECT * FROM alert_silences WHERE kind = 'job' AND created_by IN (${c.sql}) ORDER BY id`, c.values)) {
        if (!held.has(key(r.created_by, r.node))) held.set(key(r.created_by, r.node), toSilence(r));
      }
    }
    const out: Silence[] = [];
    const moved: Silence[] = [];
    for (const s of list) {
      const cur = held.get(key(s.createdBy, s.node));
      const next = cur ? { ...cur, kind: "job" as const, fromTs: s.fromTs, untilTs: s.untilTs } : await this.create({ ...s, kind: "job", code: null, subject: null });
      if (cur && (cur.fromTs !== s.fromTs || cur.untilTs !== s.untilTs)) moved.push(next);
      held.set(key(s.createdBy, s.node), next);
      out.push(next);
    }
    for (const c of valueChunks(moved.map((m) => [m.id, m.kind, m.node, m.code, m.subject, m.fromTs, m.untilTs, m.reason, m.createdBy, m.createdAt]))) {
      await this.db.run(
        `INSERT INTO alert_silences (id, kind, node, code, subject, from_ts, until_ts, reason, created_by, created_at) VALUES ${c.sql}
         ON CONFLICT (id) DO UPDATE SET from_ts = excluded.from_ts, until_ts = excluded.until_ts`,
        c.values,
      );
    }
    return out;
  }

  /** Ends a silence now (kept for the record). */
  async expire(id: number, nowMs: number): Promise<Silence | null> {
    const s = await this.get(id);
    if (!s) return null;
    const untilTs = Math.min(s.untilTs, nowMs);
    await this.db.run("UPDATE alert_silences SET until_ts = $1 WHERE id = $2", [untilTs, id]);
    return { ...s, untilTs };
  }
}
