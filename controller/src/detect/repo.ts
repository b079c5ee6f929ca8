import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { churnScores, convergenceIncidents, detectEvents, detectState } from "@meshfleet/migrations";
import type { Schema } from "../store/index";
import type { ChurnState, ScoreEntry, StoredEvent } from "./churn-score";
import type { ClosedIncident } from "./convergence";
import type { DetectEvent } from "./types";

type Db = BetterSQLite3Database<Schema>;

export interface EventQuery {
  node?: string;
  code?: string;
  subject?: string;
  since?: number;
  until?: number;
  limit?: number;
}

export interface StoredIncident extends ClosedIncident {
  id: number;
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** Detection storage: events, churn scores, detector state, convergence incidents (call writes inside `store.transaction`). */
export class DetectRepository {
  private readonly insertEvent;
  private readonly upsertState;

  constructor(private readonly db: Db) {
    const p = (name: string) => sql.placeholder(name);
    this.insertEvent = db
      .insert(detectEvents)
      .values({ ts: p("ts"), node: p("node"), code: p("code"), subject: p("subject"), before: p("before"), after: p("after"), data: p("data") })
      .returning({ id: detectEvents.id })
      .prepare();
    this.upsertState = db
      .insert(detectState)
      .values({ key: p("key"), value: p("value"), updatedAt: p("now") })
      .onConflictDoUpdate({ target: detectState.key, set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` } })
      .prepare();
  }

  /** Stores events in order and returns them with their ids. */
  insertEvents(events: readonly DetectEvent[]): StoredEvent[] {
    return events.map((e) => {
      const { code, node, ts, subject, before, after, ...rest } = e;
      const r = this.insertEvent.get({ ts, node, code, subject, before: json(before), after: json(after), data: JSON.stringify(rest) });
      return { ...e, id: r!.id } as StoredEvent;
    });
  }

  events(q: EventQuery = {}): StoredEvent[] {
    const where: SQL[] = [];
    if (q.node) where.push(eq(detectEvents.node, q.node));
    if (q.code) where.push(eq(detectEvents.code, q.code));
    if (q.subject) where.push(eq(detectEvents.subject, q.subject));
    if (q.since !== undefined) where.push(gte(detectEvents.ts, q.since));
    if (q.until !== undefined) where.push(lte(detectEvents.ts, q.until));
    const rows = this.db
      .select()
      .from(detectEvents)
      .where(and(...where))
      .orderBy(desc(detectEvents.ts), desc(detectEvents.id))
      .limit(Math.min(q.limit ?? 500, 5000))
      .all();
    return rows.map(toEvent);
  }

  eventsByIds(ids: readonly number[]): StoredEvent[] {
    if (ids.length === 0) return [];
    return this.db.select().from(detectEvents).where(inArray(detectEvents.id, [...ids])).orderBy(asc(detectEvents.id)).all().map(toEvent);
  }

  /** Deletes events older than `beforeTs`; returns how many. */
  pruneEvents(beforeTs: number): number {
    return this.db.delete(detectEvents).where(lt(detectEvents.ts, beforeTs)).run().changes;
  }

  loadScores(): ChurnState {
    const out: ChurnState = {};
    for (const r of this.db.select().from(churnScores).all()) {
      out[r.subject] = { kind: r.kind as ScoreEntry["kind"], node: r.node, link: r.link, score: r.score, ts: r.ts, flapping: r.flapping, history: JSON.parse(r.history) as ScoreEntry["history"], eventIds: JSON.parse(r.eventIds) as number[] };
    }
    return out;
  }

  /** Writes the entries that changed and deletes the ones that are gone. */
  saveScores(prev: ChurnState, next: ChurnState): void {
    for (const subject of Object.keys(prev)) if (!next[subject]) this.db.delete(churnScores).where(eq(churnScores.subject, subject)).run();
    for (const [subject, e] of Object.entries(next)) {
      if (prev[subject] === e) continue;
      const row = { kind: e.kind, node: e.node, link: e.link, score: e.score, ts: e.ts, flapping: e.flapping, history: JSON.stringify(e.history), eventIds: JSON.stringify(e.eventIds) };
      this.db.insert(churnScores).values({ subject, ...row }).onConflictDoUpdate({ target: churnScores.subject, set: row }).run();
    }
  }

  getState<T>(key: string): T | null {
    const r = this.db.select().from(detectState).where(eq(detectState.key, key)).get();
    return r ? (JSON.parse(r.value) as T) : null;
  }

  allState(): Map<string, unknown> {
    return new Map(this.db.select().from(detectState).all().map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  putState(key: string, value: unknown, now: number): void {
    this.upsertState.run({ key, value: JSON.stringify(value), now });
  }

  insertIncident(c: ClosedIncident): StoredIncident {
    const r = this.db
      .insert(convergenceIncidents)
      .values({ startTs: c.startTs, endTs: c.endTs, durationMs: c.durationMs, nodes: JSON.stringify(c.nodes), trigger: JSON.stringify(c.trigger), eventIds: JSON.stringify(c.eventIds), changes: c.changes })
      .returning({ id: convergenceIncidents.id })
      .get();
    return { ...c, id: r.id };
  }

  incidents(q: { since?: number; node?: string; limit?: number } = {}): StoredIncident[] {
    const rows = this.db
      .select()
      .from(convergenceIncidents)
      .where(q.since !== undefined ? gte(convergenceIncidents.startTs, q.since) : undefined)
      .orderBy(desc(convergenceIncidents.startTs))
      .limit(Math.min(q.limit ?? 200, 5000))
      .all()
      .map((r) => ({ id: r.id, startTs: r.startTs, endTs: r.endTs, durationMs: r.durationMs, nodes: JSON.parse(r.nodes) as string[], trigger: JSON.parse(r.trigger) as ClosedIncident["trigger"], eventIds: JSON.parse(r.eventIds) as number[], changes: r.changes }));
    return q.node ? rows.filter((r) => r.nodes.includes(q.node!)) : rows;
  }
}

function toEvent(r: typeof detectEvents.$inferSelect): StoredEvent {
  const data = JSON.parse(r.data) as Record<string, unknown>;
  return { ...data, id: r.id, code: r.code, node: r.node, ts: r.ts, subject: r.subject, before: r.before === null ? null : (JSON.parse(r.before) as unknown), after: r.after === null ? null : (JSON.parse(r.after) as unknown) } as StoredEvent;
}
