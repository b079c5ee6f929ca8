import { randomUUID } from "node:crypto";
import type { SqlDb } from "../store/index";

/** One diagnostic request as audited. */
export interface DiagAuditRow {
  id: string;
  node: string;
  kind: string;
  /** JSON text. */
  args: string;
  who: string;
  requestedAt: number;
  finishedAt?: number | null;
  result: string;
  error?: string | null;
}

interface DiagAuditDbRow {
  id: string;
  node: string;
  kind: string;
  args: string;
  who: string;
  requested_at: number;
  finished_at: number | null;
  result: string;
  exit_code: number | null;
  argv: string | null;
  error: string | null;
}

const parse = (t: string): unknown => {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
};

/** The diagnostics audit (`diag_audit`): every request, refused ones too. Either store. */
export class DiagAuditRepository {
  constructor(private readonly db: SqlDb) {}

  async insert(r: DiagAuditRow): Promise<void> {
    await this.db.run("INSERT INTO diag_audit (id, node, kind, args, who, requested_at, finished_at, result, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", [r.id, r.node, r.kind, r.args, r.who, r.requestedAt, r.finishedAt ?? null, r.result, r.error ?? null]);
  }

  async finish(id: string, f: { finishedAt: number; result: string; exitCode: number | null; argv: string[] | null; error: string | null }): Promise<void> {
    await this.db.run("UPDATE diag_audit SET finished_at = $1, result = $2, exit_code = $3, argv = $4, error = $5 WHERE id = $6", [f.finishedAt, f.result, f.exitCode, f.argv ? JSON.stringify(f.argv) : null, f.error, id]);
  }

  /**
   * Records a request refused before it reached the node (not on the list, unknown node,
   * busy, broker not connected): who, what (the arguments as asked), when, and why.
   */
  async refusal(r: { node: string; raw: unknown; who: string; at: number; code: string; reason: string }): Promise<void> {
    const kind = typeof r.raw === "object" && r.raw !== null && typeof (r.raw as { kind?: unknown }).kind === "string" ? (r.raw as { kind: string }).kind.slice(0, 32) : "?";
    const args = (JSON.stringify(r.raw ?? null) ?? "null").slice(0, 2000);
    await this.insert({ id: randomUUID().replaceAll("-", ""), node: r.node.slice(0, 64), kind, args, who: r.who, requestedAt: r.at, finishedAt: r.at, result: "refused", error: `${r.code}: ${r.reason}`.slice(0, 2000) });
  }

  /** The newest `limit` requests (of one node), newest first. */
  async list(limit: number, node?: string) {
    // SQLite's rowid keeps requests of the same millisecond in the order they came.
    const order = `requested_at DESC${this.db.dialect === "sqlite" ? ", rowid DESC" : ""}`;
    const rows = node
      ? await this.db.query<DiagAuditDbRow>(`SELECT * FROM diag_audit WHERE node = $1 ORDER BY ${order} LIMIT $2`, [node, limit])
      : await this.db.query<DiagAuditDbRow>(`SELECT * FROM diag_audit ORDER BY ${order} LIMIT $1`, [limit]);
    return rows.map((r) => ({ id: r.id, node: r.node, kind: r.kind, who: r.who, requestedAt: r.requested_at, finishedAt: r.finished_at, result: r.result, exitCode: r.exit_code, error: r.error, args: parse(r.args), argv: r.argv ? parse(r.argv) : null }));
  }
}
