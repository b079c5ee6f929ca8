import { alert as alertSchema, type Alert, type AlertCode } from "@meshfleet/shared";
import type { Logger } from "../log";
import type { StoreApi } from "../store/index";
import type { AlertQuery, AlertsRepository } from "./repo";
import { silences, type Silence, type SilencesRepository } from "./silences";
import type { AlertInput, AlertSink } from "./types";

export type AlertChange = { type: "opened" | "resolved"; alert: Alert };

const MAX_EVIDENCE = 1000;
const MAX_FOLDED = 100;

/** A symptom folded into its cause's alert (`evidence.detail.folded`). */
export interface FoldedSymptom {
  code: AlertCode;
  subject: string;
  node: string | null;
  ts: number;
  summary: string;
}
const key = (code: string, subject: string) => `${code}\u0000${subject}`;
const merge = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean) => [...a, ...b.filter((y) => !a.some((x) => same(x, y)))].slice(-MAX_EVIDENCE);
type ScorePoint = Alert["evidence"]["scores"][number];
/** Score points from several detection passes, as one time series. */
const mergeScores = (a: readonly ScorePoint[], b: readonly ScorePoint[]) => [...a, ...b.filter((y) => !a.some((x) => x.ts === y.ts))].sort((x, y) => x.ts - y.ts).slice(-MAX_EVIDENCE);

/**
 * Alert lifecycle: open -> resolved, at most one open alert per (code, subject). Every
 * change is written to the database first and handed to the sinks (NATS, webhooks) once
 * that write is committed, without blocking detection: a change rolled back (a failed
 * COMMIT, a crash before the commit) is never sent, and raised again from the redelivered
 * snapshots it is sent once. Open alerts are reloaded from the database on start. The
 * caller runs changes one at a time (inside `store.transaction`: the detection service
 * does), so two raises of one alert never interleave.
 */
export class AlertManager {
  private readonly open = new Map<string, Alert>();
  private readonly pending = new Set<Promise<void>>();
  /** The silences as last read (`stillNotify` decides from them without a query). */
  private silencesSeen: readonly Silence[] = [];
  /** Alerts acknowledged through this manager (resolved ones are not in `open`). */
  private readonly acked = new Set<string>();

  constructor(private readonly o: { repo: AlertsRepository; store: Pick<StoreApi, "afterCommit">; sinks?: readonly AlertSink[]; log: Logger; silences?: SilencesRepository }) {}

  /** The silence covering an alert at `ts`, if any. */
  async silenceFor(a: Pick<Alert, "code" | "subject" | "node" | "evidence">, ts: number): Promise<Silence | null> {
    this.silencesSeen = (await this.o.silences?.list(ts)) ?? [];
    return this.silencesSeen.find((s) => silences(s, a, ts)) ?? null;
  }

  /** Reads the silences again (after one was created or ended). */
  async refreshSilences(ts: number): Promise<void> {
    this.silencesSeen = (await this.o.silences?.list(ts)) ?? [];
  }

  /**
   * Whether an alert waiting in a notification queue should still be sent: not
   * acknowledged, not silenced, from what this manager last saw (no query: queues decide synchronously).
   */
  stillNotify(a: Alert, ts: number): boolean {
    const cur = this.open.get(key(a.code, a.subject));
    const latest = cur?.id === a.id ? cur : a;
    if (latest.ack || this.acked.has(a.id)) return false;
    return !this.silencesSeen.some((s) => silences(s, latest, ts));
  }

  /** Acknowledges an alert (open or resolved): who and when; false when there is no such alert. */
  async ack(id: number, by: string, ts: number): Promise<Alert | null> {
    const cur = [...this.open.values()].find((a) => a.id === String(id)) ?? (await this.o.repo.get(id));
    if (!cur) return null;
    const next: Alert = { ...cur, ack: { by, at: ts } };
    this.acked.add(next.id);
    if (cur.state === "open") this.open.set(key(cur.code, cur.subject), next);
    await this.o.repo.update(next, ts);
    return next;
  }

  /** Rebuilds the open set from the database. */
  async load(): Promise<void> {
    const open = await this.o.repo.list({ state: "open", limit: 5000 });
    this.open.clear();
    for (const a of open) this.open.set(key(a.code, a.subject), a);
  }

  isOpen(code: AlertCode, subject: string): boolean {
    return this.open.has(key(code, subject));
  }

  get(code: AlertCode, subject: string): Alert | null {
    return this.open.get(key(code, subject)) ?? null;
  }

  /**
   * Opens an alert, or adds the new evidence to the one already open (returns the change,
   * if any). `silence`: the silence it opens under (a config job's), instead of looking one up.
   */
  async raise(input: AlertInput, ts: number, silence?: Silence | null): Promise<AlertChange | null> {
    const cur = this.open.get(key(input.code, input.subject));
    if (cur) {
      const evidence = {
        eventIds: merge(cur.evidence.eventIds, input.evidence.eventIds, (a, b) => a === b),
        scores: mergeScores(cur.evidence.scores, input.evidence.scores),
        detail: { ...cur.evidence.detail, ...input.evidence.detail },
      };
      const next: Alert = { ...cur, evidence, summary: input.summary, severity: input.severity, ...(input.text ? { text: input.text } : {}) };
      this.open.set(key(input.code, input.subject), next);
      await this.o.repo.update(next, ts);
      return null;
    }
    silence ??= await this.silenceFor(input, ts);
    const a = await this.o.repo.insert({ ...input, state: "open", openedAt: ts, resolvedAt: null, silencedBy: silence?.id ?? null }, ts);
    this.open.set(key(a.code, a.subject), a);
    if (silence) this.o.log.info({ alert: a.id, code: a.code, subject: a.subject, silence: silence.id }, "alert silenced: recorded, not notified");
    else this.emit(a);
    return { type: "opened", alert: a };
  }

  /**
   * Adds a symptom to the alert of its cause (open, or resolved: by id) as evidence, in
   * `evidence.detail.folded`; nothing opens and nothing is sent. False when there is no such alert.
   */
  async absorb(cause: { code: AlertCode; subject: string; id?: string }, symptom: AlertInput, ts: number): Promise<boolean> {
    const cur = cause.id === undefined ? this.open.get(key(cause.code, cause.subject)) : await this.o.repo.get(Number(cause.id));
    if (!cur) return false;
    const before = Array.isArray(cur.evidence.detail?.folded) ? (cur.evidence.detail.folded as FoldedSymptom[]) : [];
    const entry: FoldedSymptom = { code: symptom.code, subject: symptom.subject, node: symptom.node, ts, summary: symptom.summary.slice(0, 300) };
    const folded = before.some((f) => f.code === entry.code && f.subject === entry.subject) ? before : [...before, entry].slice(-MAX_FOLDED);
    const next: Alert = {
      ...cur,
      evidence: { ...cur.evidence, eventIds: merge(cur.evidence.eventIds, symptom.evidence.eventIds, (a, b) => a === b), detail: { ...cur.evidence.detail, folded } },
    };
    if (cur.state === "open") this.open.set(key(cur.code, cur.subject), next);
    await this.o.repo.update(next, ts);
    return true;
  }

  /** Resolves the open alert about (code, subject), if there is one. */
  async resolve(code: AlertCode, subject: string, ts: number, more?: Partial<Alert["evidence"]> & { summary?: string }): Promise<AlertChange | null> {
    const cur = this.open.get(key(code, subject));
    if (!cur) return null;
    const evidence = {
      eventIds: merge(cur.evidence.eventIds, more?.eventIds ?? [], (a, b) => a === b),
      scores: mergeScores(cur.evidence.scores, more?.scores ?? []),
      detail: { ...cur.evidence.detail, ...more?.detail },
    };
    const a: Alert = { ...cur, state: "resolved", resolvedAt: ts, evidence, summary: more?.summary ?? cur.summary };
    this.open.delete(key(code, subject));
    await this.o.repo.update(a, ts);
    // An alert nobody was told about opening is not announced resolving either; one
    // acknowledged or silenced since is recorded, not notified.
    const silent = (a.silencedBy !== null && a.silencedBy !== undefined) || a.ack || (await this.silenceFor(a, ts)) !== null;
    if (!silent) this.emit(a);
    else this.o.log.info({ alert: a.id, code: a.code, subject: a.subject }, "alert resolved while acknowledged or silenced: recorded, not notified");
    return { type: "resolved", alert: a };
  }

  /**
   * For conditions (lint findings, offline nodes, degraded links, bogus paths): opens what
   * is active and not open, resolves open alerts of `code` (within `scope`) that are no
   * longer active.
   */
  async reconcile(code: AlertCode, active: readonly AlertInput[], ts: number, scope: (subject: string) => boolean = () => true): Promise<AlertChange[]> {
    const changes: AlertChange[] = [];
    const want = new Set(active.map((a) => a.subject));
    for (const a of [...this.open.values()]) {
      if (a.code === code && scope(a.subject) && !want.has(a.subject)) {
        const c = await this.resolve(code, a.subject, ts);
        if (c) changes.push(c);
      }
    }
    for (const input of active) {
      if (this.isOpen(code, input.subject)) continue;
      const c = await this.raise(input, ts);
      if (c) changes.push(c);
    }
    return changes;
  }

  /** One alert by id (open or resolved), from the database. */
  byId(id: number): Promise<Alert | null> {
    return this.o.repo.get(id);
  }

  /** Alerts from the database with filters. */
  list(q: AlertQuery): Promise<Alert[]> {
    return this.o.repo.list(q);
  }

  openAlerts(): Alert[] {
    return [...this.open.values()].sort((a, b) => a.openedAt - b.openedAt || Number(a.id) - Number(b.id));
  }

  /** Open alerts per node. */
  openCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const a of this.open.values()) if (a.node) m.set(a.node, (m.get(a.node) ?? 0) + 1);
    return m;
  }

  /** Waits until the sinks have delivered (or given up on) every change committed so far. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private emit(a: Alert): void {
    const checked = alertSchema.safeParse(a);
    if (!checked.success) {
      this.o.log.error({ code: a.code, subject: a.subject, error: checked.error.message.slice(0, 300) }, "an alert does not match the alert schema; not sent to sinks");
      return;
    }
    this.o.store.afterCommit((committed) => {
      if (committed) this.deliver(checked.data);
      else this.o.log.info({ alert: a.id, code: a.code, subject: a.subject, state: a.state }, "alert change rolled back: not sent");
    });
  }

  private deliver(a: Alert): void {
    for (const sink of this.o.sinks ?? []) {
      const p: Promise<void> = sink
        .deliver(a)
        .catch((err: unknown) => this.o.log.warn({ sink: sink.name, alert: a.id, code: a.code, error: (err as Error).message }, "an alert sink gave up"))
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }
}
