import { randomUUID } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { diagArgs, diagOutput, ERROR_CODES, MeshfleetError, PROTOCOL_VERSION, subjects, type DiagArgs, type DiagArgsInput, type DiagOutput } from "@meshfleet/shared";
import { diagAudit } from "@meshfleet/migrations";
import type { Store } from "../store/index";

export interface DiagResult {
  id: string;
  node: string;
  args: DiagArgs;
  /** done (the command ran, whatever its exit code), refused by the node, timeout, failed (could not run). */
  result: "done" | "refused" | "timeout" | "failed";
  argv: string[] | null;
  output: string;
  exitCode: number | null;
  error: { code: string; message: string } | null;
  requestedAt: number;
  finishedAt: number;
}

/** What a caller may watch while a diagnostic runs (the API streams it as server-sent events). */
export interface DiagProgress {
  /** The node accepted the request and runs this argv. */
  accepted?: (argv: string[]) => void;
  /** Output text, in the order the node sent it. */
  output?: (text: string) => void;
}

const dec = new TextDecoder();
const enc = new TextEncoder();

/**
 * Remote diagnostics from the controller: one request to the node's own diag subject,
 * the node's answers (accepted/refused, output chunks, done) collected from its diag
 * output subject, within a deadline. At most one per node at a time; every request is
 * audited (who, what, when, result).
 */
export class DiagService {
  readonly #running = new Set<string>();
  constructor(
    private readonly o: { nc: NatsConnection; store: Store; now: () => number },
  ) {}

  /** Whether a diagnostic is running on `node` now. */
  busy(node: string): boolean {
    return this.#running.has(node);
  }

  async run(node: string, input: DiagArgsInput, who: string, deadlineMs = 20_000, progress: DiagProgress = {}): Promise<DiagResult> {
    const args = diagArgs.parse(input);
    if (this.#running.has(node)) throw new MeshfleetError(ERROR_CODES.conflict, `a diagnostic is already running on ${node}`);
    this.#running.add(node);
    const id = randomUUID().replaceAll("-", "");
    const requestedAt = this.o.now();
    const db = this.o.store.db;
    db.insert(diagAudit).values({ id, node, kind: args.kind, args: JSON.stringify(args), who, requestedAt, result: "running" }).run();
    let sub: Subscription | null = null;
    const r: DiagResult = { id, node, args, result: "timeout", argv: null, output: "", exitCode: null, error: null, requestedAt, finishedAt: requestedAt };
    try {
      sub = this.o.nc.subscribe(subjects.diagOutput(node));
      const s = sub;
      await this.o.nc.flush();
      this.o.nc.publish(subjects.diag(node), enc.encode(JSON.stringify({ type: "diag", v: PROTOCOL_VERSION, id, node, args, deadlineMs, ts: requestedAt })));
      // The node's own deadline plus a margin for the answer to travel back.
      const timer = setTimeout(() => s.unsubscribe(), deadlineMs + 3000);
      const chunks = new Map<number, string>();
      for await (const m of s) {
        let msg: DiagOutput;
        try {
          msg = diagOutput.parse(JSON.parse(dec.decode(m.data)));
        } catch {
          continue;
        }
        if (msg.id !== id || msg.node !== node) continue;
        if (msg.state === "accepted") {
          r.argv = msg.argv ?? null;
          progress.accepted?.(r.argv ?? []);
        } else if (msg.state === "output" && msg.text !== undefined) {
          chunks.set(msg.seq, msg.text);
          progress.output?.(msg.text);
        } else if (msg.state === "refused" || msg.state === "done") {
          r.result = msg.state === "refused" ? "refused" : msg.error ? "failed" : "done";
          r.exitCode = msg.exitCode ?? null;
          r.error = msg.error ?? null;
          break;
        }
      }
      clearTimeout(timer);
      r.output = [...chunks.entries()].sort((a, b) => a[0] - b[0]).map((c) => c[1]).join("");
      if (r.result === "timeout") r.error = { code: "E_DIAG_TIMEOUT", message: `no result from ${node} within ${deadlineMs} ms` };
    } finally {
      sub?.unsubscribe();
      this.#running.delete(node);
      r.finishedAt = this.o.now();
      db.update(diagAudit)
        .set({ finishedAt: r.finishedAt, result: r.result, exitCode: r.exitCode, argv: r.argv ? JSON.stringify(r.argv) : null, error: r.error ? `${r.error.code}: ${r.error.message}` : null })
        .where(eq(diagAudit.id, id))
        .run();
    }
    return r;
  }

  /**
   * Records a request the API refused before it reached the node (not on the list, a
   * target that is not a fleet node): the audit holds every request, refused ones too.
   */
  refused(node: string, raw: unknown, who: string, reason: string): void {
    const kind = typeof raw === "object" && raw !== null && typeof (raw as { kind?: unknown }).kind === "string" ? (raw as { kind: string }).kind.slice(0, 32) : "?";
    const at = this.o.now();
    const args = (JSON.stringify(raw ?? null) ?? "null").slice(0, 2000);
    this.o.store.db.insert(diagAudit).values({ id: randomUUID().replaceAll("-", ""), node, kind, args, who, requestedAt: at, finishedAt: at, result: "refused", error: `E_VALIDATION: ${reason}`.slice(0, 2000) }).run();
  }

  audit(limit = 100, node?: string) {
    const q = this.o.store.db.select().from(diagAudit);
    const rows = (node ? q.where(eq(diagAudit.node, node)) : q).orderBy(desc(diagAudit.requestedAt), desc(sql`rowid`)).limit(limit).all();
    const parse = (t: string): unknown => {
      try {
        return JSON.parse(t) as unknown;
      } catch {
        return t;
      }
    };
    return rows.map((r) => ({ ...r, args: parse(r.args), argv: r.argv ? parse(r.argv) : null }));
  }
}
