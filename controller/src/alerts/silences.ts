import { and, desc, eq, gt, type SQL } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { alertSilences } from "@meshfleet/migrations";
import type { Alert } from "@meshfleet/shared";
import type { Schema } from "../store/index";

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

/** Silences and maintenance windows in the database. */
export class SilencesRepository {
  constructor(private readonly db: BetterSQLite3Database<Schema>) {}

  create(s: Omit<Silence, "id">): Silence {
    const r = this.db.insert(alertSilences).values(s).returning({ id: alertSilences.id }).get();
    return { ...s, id: r.id };
  }

  /** Silences not yet over at `nowMs` (current and planned), newest first; `all` includes expired ones. */
  list(nowMs: number, all = false): Silence[] {
    const where: SQL[] = all ? [] : [gt(alertSilences.untilTs, nowMs)];
    return this.db
      .select()
      .from(alertSilences)
      .where(and(...where))
      .orderBy(desc(alertSilences.id))
      .limit(1000)
      .all()
      .map((r) => ({ ...r, kind: r.kind as Silence["kind"] }));
  }

  get(id: number): Silence | null {
    const r = this.db.select().from(alertSilences).where(eq(alertSilences.id, id)).get();
    return r ? { ...r, kind: r.kind as Silence["kind"] } : null;
  }

  /** The silence a config job holds for one node (`createdBy` `job:<id>`), created or moved to the window given. */
  putJobSilence(s: Omit<Silence, "id" | "kind" | "code" | "subject"> & { node: string }): Silence {
    const cur = this.db
      .select()
      .from(alertSilences)
      .where(and(eq(alertSilences.kind, "job"), eq(alertSilences.createdBy, s.createdBy), eq(alertSilences.node, s.node)))
      .get();
    if (!cur) return this.create({ ...s, kind: "job", code: null, subject: null });
    if (cur.fromTs !== s.fromTs || cur.untilTs !== s.untilTs) this.db.update(alertSilences).set({ fromTs: s.fromTs, untilTs: s.untilTs }).where(eq(alertSilences.id, cur.id)).run();
    return { ...cur, kind: "job", fromTs: s.fromTs, untilTs: s.untilTs };
  }

  /** Ends a silence now (kept for the record). */
  expire(id: number, nowMs: number): Silence | null {
    const s = this.get(id);
    if (!s) return null;
    const untilTs = Math.min(s.untilTs, nowMs);
    this.db.update(alertSilences).set({ untilTs }).where(eq(alertSilences.id, id)).run();
    return { ...s, untilTs };
  }
}
