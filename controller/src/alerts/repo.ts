import { and, desc, eq, gte, type SQL } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { alerts } from "@meshfleet/migrations";
import { PROTOCOL_VERSION, type Alert } from "@meshfleet/shared";
import type { Schema } from "../store/index";

export interface AlertQuery {
  state?: "open" | "resolved";
  node?: string;
  code?: string;
  /** Opened at or after (open) / resolved at or after (resolved); any: opened at or after. */
  since?: number;
  limit?: number;
}

/** Alerts in the database (the first sink): insert on open, update on change and resolve. */
export class AlertsRepository {
  constructor(private readonly db: BetterSQLite3Database<Schema>) {}

  insert(a: Omit<Alert, "id" | "type" | "v">, now: number): Alert {
    const r = this.db
      .insert(alerts)
      .values({ code: a.code, subject: a.subject, node: a.node, severity: a.severity, state: a.state, openedAt: a.openedAt, resolvedAt: a.resolvedAt, updatedAt: now, summary: a.summary, evidence: JSON.stringify(a.evidence), text: a.text ? JSON.stringify(a.text) : null, silencedBy: a.silencedBy ?? null })
      .returning({ id: alerts.id })
      .get();
    return { type: "alert", v: PROTOCOL_VERSION, id: String(r.id), ack: null, silencedBy: null, ...a };
  }

  update(a: Alert, now: number): void {
    this.db
      .update(alerts)
      .set({ severity: a.severity, state: a.state, resolvedAt: a.resolvedAt, updatedAt: now, summary: a.summary, evidence: JSON.stringify(a.evidence), text: a.text ? JSON.stringify(a.text) : null, ackBy: a.ack?.by ?? null, ackAt: a.ack?.at ?? null, silencedBy: a.silencedBy ?? null })
      .where(eq(alerts.id, Number(a.id)))
      .run();
  }

  get(id: number): Alert | null {
    const r = this.db.select().from(alerts).where(eq(alerts.id, id)).get();
    return r ? toAlert(r) : null;
  }

  list(q: AlertQuery = {}): Alert[] {
    const where: SQL[] = [];
    if (q.state) where.push(eq(alerts.state, q.state));
    if (q.node) where.push(eq(alerts.node, q.node));
    if (q.code) where.push(eq(alerts.code, q.code));
    if (q.since !== undefined) where.push(q.state === "resolved" ? gte(alerts.resolvedAt, q.since) : gte(alerts.openedAt, q.since));
    return this.db
      .select()
      .from(alerts)
      .where(and(...where))
      .orderBy(desc(alerts.openedAt), desc(alerts.id))
      .limit(Math.min(q.limit ?? 500, 5000))
      .all()
      .map(toAlert);
  }
}

function toAlert(r: typeof alerts.$inferSelect): Alert {
  return {
    type: "alert",
    v: PROTOCOL_VERSION,
    id: String(r.id),
    code: r.code as Alert["code"],
    subject: r.subject,
    node: r.node,
    severity: r.severity as Alert["severity"],
    state: r.state as Alert["state"],
    openedAt: r.openedAt,
    resolvedAt: r.resolvedAt,
    summary: r.summary,
    evidence: JSON.parse(r.evidence) as Alert["evidence"],
    ...(r.text ? { text: JSON.parse(r.text) as NonNullable<Alert["text"]> } : {}),
    ack: r.ackBy !== null && r.ackAt !== null ? { by: r.ackBy, at: r.ackAt } : null,
    silencedBy: r.silencedBy,
  };
}
