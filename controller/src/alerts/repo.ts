import { PROTOCOL_VERSION, type Alert } from "@meshfleet/shared";
import { params, where, type SqlDb } from "../store/index";

export interface AlertQuery {
  state?: "open" | "resolved";
  node?: string;
  code?: string;
  /** Opened at or after (open) / resolved at or after (resolved); any: opened at or after. */
  since?: number;
  limit?: number;
}

interface AlertDbRow {
  id: number;
  code: string;
  subject: string;
  node: string | null;
  severity: string;
  state: string;
  opened_at: number;
  resolved_at: number | null;
  summary: string;
  evidence: string;
  text: string | null;
  ack_by: string | null;
  ack_at: number | null;
  silenced_by: number | null;
}

const text = (a: Pick<Alert, "text">) => (a.text ? JSON.stringify(a.text) : null);

/** Alerts in the database (the first sink): insert on open, update on change and resolve. Either store (`SqlDb`). */
export class AlertsRepository {
  constructor(private readonly db: SqlDb) {}

  async insert(a: Omit<Alert, "id" | "type" | "v">, now: number): Promise<Alert> {
    const [r] = await this.db.query<{ id: number }>(
      `INSERT INTO alerts (code, subject, node, severity, state, opened_at, resolved_at, updated_at, summary, evidence, text, silenced_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [a.code, a.subject, a.node, a.severity, a.state, a.openedAt, a.resolvedAt, now, a.summary, JSON.stringify(a.evidence), text(a), a.silencedBy ?? null],
    );
    return { type: "alert", v: PROTOCOL_VERSION, id: String(r!.id), ack: null, silencedBy: null, ...a };
  }

  async update(a: Alert, now: number): Promise<void> {
    await this.db.run(
      `UPDATE alerts SET severity = $1, state = $2, resolved_at = $3, updated_at = $4, summary = $5, evidence = $6, text = $7, ack_by = $8, ack_at = $9, silenced_by = $10 WHERE id = $11`,
      [a.severity, a.state, a.resolvedAt, now, a.summary, JSON.stringify(a.evidence), text(a), a.ack?.by ?? null, a.ack?.at ?? null, a.silencedBy ?? null, Number(a.id)],
    );
  }

  async get(id: number): Promise<Alert | null> {
    const [r] = await this.db.query<AlertDbRow>("SELECT * FROM alerts WHERE id = $1", [id]);
    return r ? toAlert(r) : null;
  }

  async list(q: AlertQuery = {}): Promise<Alert[]> {
    const { values, p } = params();
    const w: string[] = [];
    if (q.state) w.push(`state = ${p(q.state)}`);
    if (q.node) w.push(`node = ${p(q.node)}`);
    if (q.code) w.push(`code = ${p(q.code)}`);
    if (q.since !== undefined) w.push(`${q.state === "resolved" ? "resolved_at" : "opened_at"} >= ${p(q.since)}`);
    const rows = await this.db.query<AlertDbRow>(`SELECT * FROM alerts${where(w)} ORDER BY opened_at DESC, id DESC LIMIT ${p(Math.min(q.limit ?? 500, 5000))}`, values);
    return rows.map(toAlert);
  }
}

function toAlert(r: AlertDbRow): Alert {
  return {
    type: "alert",
    v: PROTOCOL_VERSION,
    id: String(r.id),
    code: r.code as Alert["code"],
    subject: r.subject,
    node: r.node,
    severity: r.severity as Alert["severity"],
    state: r.state as Alert["state"],
    openedAt: r.opened_at,
    resolvedAt: r.resolved_at,
    summary: r.summary,
    evidence: JSON.parse(r.evidence) as Alert["evidence"],
    ...(r.text ? { text: JSON.parse(r.text) as NonNullable<Alert["text"]> } : {}),
    ack: r.ack_by !== null && r.ack_at !== null ? { by: r.ack_by, at: r.ack_at } : null,
    silencedBy: r.silenced_by,
  };
}
