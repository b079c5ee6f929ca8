import { bool, listChunks, params, valueChunks, where, type SqlDb } from "../store/index";
import type { ChurnState, ScoreEntry, StoredEvent } from "./churn-score";
import type { ClosedIncident } from "./convergence";
import type { DetectEvent } from "./types";

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

interface EventDbRow {
  id: number;
  ts: number;
  node: string;
  code: string;
  subject: string;
  before: string | null;
  after: string | null;
  data: string;
}

interface IncidentDbRow {
  id: number;
  start_ts: number;
  end_ts: number;
  duration_ms: number;
  nodes: string;
  trigger: string;
  event_ids: string;
  changes: number;
}

const EVENT_COLUMNS = `id, ts, node, code, subject, "before", "after", data`;

/** Detection storage: events, churn scores, detector state, convergence incidents (call writes inside `store.transaction`). Either store. */
export class DetectRepository {
  /** Per state key: the JSON last written, its stable form and when (unchanged state is not written again). */
  private readonly written = new Map<string, { json: string; stable: string; at: number }>();

  constructor(private readonly db: SqlDb) {}

  /** Stores events in order and returns them with their ids (one multi-row INSERT; ids ascend in insertion order). */
  async insertEvents(events: readonly DetectEvent[]): Promise<StoredEvent[]> {
    const ids: number[] = [];
    const rows = events.map((e) => {
      const { code, node, ts, subject, before, after, ...rest } = e;
      return [ts, node, code, subject, json(before), json(after), JSON.stringify(rest)];
    });
    for (const c of valueChunks(rows)) {
      const got = await this.db.query<{ id: number }>(`INSERT INTO detect_events (ts, node, code, subject, "before", "after", data) VALUES ${c.sql} RETURNING id`, c.values);
      ids.push(...got.map((r) => r.id).sort((a, b) => a - b));
    }
    return events.map((e, i) => ({ ...e, id: ids[i]! }) as StoredEvent);
  }

  async events(q: EventQuery = {}): Promise<StoredEvent[]> {
    const { values, p } = params();
    const w: string[] = [];
    if (q.node) w.push(`node = ${p(q.node)}`);
    if (q.code) w.push(`code = ${p(q.code)}`);
    if (q.subject) w.push(`subject = ${p(q.subject)}`);
    if (q.since !== undefined) w.push(`ts >= ${p(q.since)}`);
    if (q.until !== undefined) w.push(`ts <= ${p(q.until)}`);
    const rows = await this.db.query<EventDbRow>(`SELECT ${EVENT_COLUMNS} FROM detect_events${where(w)} ORDER BY ts DESC, id DESC LIMIT ${p(Math.min(q.limit ?? 500, 5000))}`, values);
    return rows.map(toEvent);
  }

  async eventsByIds(ids: readonly number[]): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    const { values, p } = params();
    const list = ids.map((id) => p(id)).join(", ");
    return (await this.db.query<EventDbRow>(`SELECT ${EVENT_COLUMNS} FROM detect_events WHERE id IN (${list}) ORDER BY id`, values)).map(toEvent);
  }

  /** Deletes events older than `beforeTs`; returns how many. */
  pruneEvents(beforeTs: number): Promise<number> {
    return this.db.run("DELETE FROM detect_events WHERE ts < $1", [beforeTs]);
  }

  async loadScores(): Promise<ChurnState> {
    const out: ChurnState = {};
    const rows = await this.db.query<{ subject: string; kind: string; node: string; link: string | null; score: number; ts: number; flapping: unknown; history: string; event_ids: string }>("SELECT * FROM churn_scores");
    for (const r of rows) {
      out[r.subject] = { kind: r.kind as ScoreEntry["kind"], node: r.node, link: r.link, score: r.score, ts: r.ts, flapping: bool(r.flapping), history: JSON.parse(r.history) as ScoreEntry["history"], eventIds: JSON.parse(r.event_ids) as number[] };
    }
    return out;
  }

  /** Writes the entries that changed and deletes the ones that are gone (a statement each, not one per entry). */
  async saveScores(prev: ChurnState, next: ChurnState): Promise<void> {
    const gone = Object.keys(prev).filter((subject) => !next[subject]);
    for (const c of listChunks(gone)) await this.db.run(`DELETE FROM churn_scores WHERE subject IN (${c.sql})`, c.values);
    const changed = Object.entries(next).filter(([subject, e]) => prev[subject] !== e);
    for (const c of valueChunks(changed.map(([subject, e]) => [subject, e.kind, e.node, e.link, e.score, e.ts, e.flapping, JSON.stringify(e.history), JSON.stringify(e.eventIds)]))) {
      await this.db.run(
        `INSERT INTO churn_scores (subject, kind, node, link, score, ts, flapping, history, event_ids) VALUES ${c.sql}
         ON CONFLICT (subject) DO UPDATE SET kind = excluded.kind, node = excluded.node, link = excluded.link, score = excluded.score, ts = excluded.ts, flapping = excluded.flapping, history = excluded.history, event_ids = excluded.event_ids`,
        c.values,
      );
    }
  }

  async getState<T>(key: string): Promise<T | null> {
    const [r] = await this.db.query<{ value: string }>("SELECT value FROM detect_state WHERE key = $1", [key]);
    return r ? (JSON.parse(r.value) as T) : null;
  }

  async allState(): Promise<Map<string, unknown>> {
    this.written.clear();
    const rows = await this.db.query<{ key: string; value: string }>("SELECT key, value FROM detect_state");
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  /**
   * Writes detector states the store does not already hold, in one statement. With `lazy`,
   * a change that leaves its `stable` form alone (timestamps moving forward) is written at
   * most every `periodMs`: the caller corrects those timestamps from durable data on load.
   * Keys are distinct. After a rolled-back transaction, load again (`allState` forgets what was written).
   */
  async putStates(states: readonly { key: string; value: unknown; lazy?: { stable: string; periodMs: number } }[], now: number): Promise<void> {
    const due: { key: string; json: string; stable: string }[] = [];
    for (const { key, value, lazy } of states) {
      const json = JSON.stringify(value);
      const last = this.written.get(key);
      if (last?.json === json) continue;
      if (lazy && last && last.stable === lazy.stable && now - last.at < lazy.periodMs) continue;
      due.push({ key, json, stable: lazy?.stable ?? "" });
    }
    for (const c of valueChunks(due.map((d) => [d.key, d.json, now]))) {
      await this.db.run(`INSERT INTO detect_state (key, value, updated_at) VALUES ${c.sql} ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, c.values);
    }
    for (const d of due) this.written.set(d.key, { json: d.json, stable: d.stable, at: now });
  }

  /** One state (see `putStates`). */
  putState(key: string, value: unknown, now: number, lazy?: { stable: string; periodMs: number }): Promise<void> {
    return this.putStates([{ key, value, ...(lazy ? { lazy } : {}) }], now);
  }

  async insertIncident(c: ClosedIncident): Promise<StoredIncident> {
    const [r] = await this.db.query<{ id: number }>(
      `INSERT INTO convergence_incidents (start_ts, end_ts, duration_ms, nodes, "trigger", event_ids, changes) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [c.startTs, c.endTs, c.durationMs, JSON.stringify(c.nodes), JSON.stringify(c.trigger), JSON.stringify(c.eventIds), c.changes],
    );
    return { ...c, id: r!.id };
  }

  async incidents(q: { since?: number; node?: string; limit?: number } = {}): Promise<StoredIncident[]> {
    const { values, p } = params();
    const w = q.since !== undefined ? [`start_ts >= ${p(q.since)}`] : [];
    const rows = (await this.db.query<IncidentDbRow>(`SELECT * FROM convergence_incidents${where(w)} ORDER BY start_ts DESC LIMIT ${p(Math.min(q.limit ?? 200, 5000))}`, values)).map((r) => ({
      id: r.id,
      startTs: r.start_ts,
      endTs: r.end_ts,
      durationMs: r.duration_ms,
      nodes: JSON.parse(r.nodes) as string[],
      trigger: JSON.parse(r.trigger) as ClosedIncident["trigger"],
      eventIds: JSON.parse(r.event_ids) as number[],
      changes: r.changes,
    }));
    return q.node ? rows.filter((r) => r.nodes.includes(q.node!)) : rows;
  }
}

function toEvent(r: EventDbRow): StoredEvent {
  const data = JSON.parse(r.data) as Record<string, unknown>;
  return { ...data, id: r.id, code: r.code, node: r.node, ts: r.ts, subject: r.subject, before: r.before === null ? null : (JSON.parse(r.before) as unknown), after: r.after === null ? null : (JSON.parse(r.after) as unknown) } as StoredEvent;
}
