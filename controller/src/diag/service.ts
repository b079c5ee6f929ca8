import { randomUUID } from "node:crypto";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { DIAG_LIMITS, diagArgs, diagOutput, ERROR_CODES, IPERF3_SERVER_IDLE_SEC, MeshfleetError, PROTOCOL_VERSION, subjects, type DiagArgs, type DiagArgsInput, type DiagOutput, type DiagScan } from "@meshfleet/shared";
import type { StoreApi } from "../store/index";
import { DiagAuditRepository } from "./audit-repo";
import { resolveTarget, type ResolvedTarget } from "./target";

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
  /** A Wi-Fi scan's networks and channels as the node parsed them (null for other diagnostics). */
  scan: DiagScan | null;
  /** A throughput test between two nodes: the server side's run on the target node. */
  server?: DiagResult;
  /** The target was a fleet node name: the node and the address it was resolved to (what the node was given). */
  resolved?: ResolvedTarget;
}

/** What a caller may watch while a diagnostic runs (the API streams it as server-sent events). */
export interface DiagProgress {
  /** The node accepted the request and runs this argv. */
  accepted?: (argv: string[]) => void;
  /** Output text, in the order the node sent it. */
  output?: (text: string) => void;
}

/** The arguments as audited: a fleet node target by its name, and the address the node was given. */
function auditArgs(args: DiagArgs, resolved: ResolvedTarget | null): string {
  return JSON.stringify(resolved && "target" in args ? { ...args, target: resolved.node, address: resolved.address } : args);
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
  readonly #audit: DiagAuditRepository;
  constructor(private readonly o: { nc: NatsConnection; store: StoreApi; now: () => number }) {
    this.#audit = new DiagAuditRepository(o.store.sql);
  }

  /** Whether the broker connection is closed (nothing can be asked). */
  disconnected(): boolean {
    return this.o.nc.isClosed();
  }

  /** Whether a diagnostic is running on `node` now. */
  busy(node: string): boolean {
    return this.#running.has(node);
  }

  /**
   * Runs one diagnostic on `node`. An iperf3 test to another fleet node is a test between
   * two nodes: the target runs the server side first (`iperf3-server`), and once it
   * listens, `node` runs the client; both are audited, the server's run is the result's `server`.
   */
  async run(node: string, input: DiagArgsInput, who: string, deadlineMs = 20_000, progress: DiagProgress = {}): Promise<DiagResult> {
    const asked = diagArgs.parse(input);
    // A fleet node name is resolved to the node's address: the router is given an IP literal.
    const { args, resolved } = await resolveTarget(this.o.store, asked);
    const r = resolved && args.kind === "iperf3" && resolved.node !== node ? await this.#throughput(node, resolved.node, args, who, deadlineMs, progress, resolved) : await this.#one(node, args, who, deadlineMs, progress, resolved);
    return resolved ? { ...r, resolved } : r;
  }

  async #throughput(node: string, target: string, args: Extract<DiagArgs, { kind: "iperf3" }>, who: string, deadlineMs: number, progress: DiagProgress, resolved: ResolvedTarget): Promise<DiagResult> {
    if (this.#running.has(target)) throw new MeshfleetError(ERROR_CODES.conflict, `a diagnostic is already running on ${target}, the iperf3 test's server side`);
    if (this.#running.has(node)) throw new MeshfleetError(ERROR_CODES.conflict, `a diagnostic is already running on ${node}`);
    let listening!: () => void;
    const heard = new Promise<"listening">((resolve) => (listening = () => resolve("listening")));
    let said = "";
    const serverDeadline = Math.min(DIAG_LIMITS.deadlineMs[1], (IPERF3_SERVER_IDLE_SEC + args.durationSec + 5) * 1000);
    const server = this.#one(target, { kind: "iperf3-server", durationSec: args.durationSec }, who, serverDeadline, {
      output: (text) => {
        said += text;
        if (/Server listening on \d+/.test(said)) listening();
      },
    });
    const first = await Promise.race([heard, server]);
    if (first !== "listening") {
      // The server side never listened (refused, busy, no iperf3): the client is not started.
      const why = first.error ? `${first.error.code}: ${first.error.message}` : `${first.result}, exit ${first.exitCode ?? "none"}`;
      const r = await this.#refusedRun(node, args, who, { code: "E_DIAG_SERVER", message: `the iperf3 server on ${target} did not start (${why})` }, resolved);
      return { ...r, server: first };
    }
    const client = await this.#one(node, args, who, deadlineMs, progress, resolved);
    return { ...client, server: await server };
  }

  /** An audited request that was not sent to its node (the result says why). */
  async #refusedRun(node: string, args: DiagArgs, who: string, error: { code: string; message: string }, resolved: ResolvedTarget): Promise<DiagResult> {
    const at = this.o.now();
    const id = randomUUID().replaceAll("-", "");
    await this.#audit.insert({ id, node, kind: args.kind, args: auditArgs(args, resolved), who, requestedAt: at, finishedAt: at, result: "failed", error: `${error.code}: ${error.message}`.slice(0, 2000) });
    return { id, node, args, result: "failed", argv: null, output: "", exitCode: null, error, scan: null, requestedAt: at, finishedAt: at };
  }

  async #one(node: string, args: DiagArgs, who: string, deadlineMs: number, progress: DiagProgress, resolved: ResolvedTarget | null = null): Promise<DiagResult> {
    if (this.#running.has(node)) throw new MeshfleetError(ERROR_CODES.conflict, `a diagnostic is already running on ${node}`);
    this.#running.add(node);
    const id = randomUUID().replaceAll("-", "");
    const requestedAt = this.o.now();
    let sub: Subscription | null = null;
    const r: DiagResult = { id, node, args, result: "timeout", argv: null, output: "", exitCode: null, error: null, scan: null, requestedAt, finishedAt: requestedAt };
    try {
      await this.#audit.insert({ id, node, kind: args.kind, args: auditArgs(args, resolved), who, requestedAt, result: "running" });
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
          r.scan = msg.scan ?? null;
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
      await this.#audit.finish(id, { finishedAt: r.finishedAt, result: r.result, exitCode: r.exitCode, argv: r.argv, error: r.error ? `${r.error.code}: ${r.error.message}` : null });
    }
    return r;
  }

  /** The newest `limit` audited requests (of one node), newest first. */
  audit(limit = 100, node?: string) {
    return this.#audit.list(limit, node);
  }
}
