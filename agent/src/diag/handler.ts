import { decodeJson, diagOutput, diagRequest, errorCode, PROTOCOL_VERSION, type DiagOutput, type CommandRunner, type RoutingDaemon } from "@meshfleet/shared";
import { checkDiagArgs, diagArgv } from "./commands";
import { scanSummary } from "./scan";

/** Output chunks sent back (characters). */
const CHUNK = 4096;

export interface DiagHandlerOptions {
  node: string;
  runner: CommandRunner;
  /** Sends one message to the controller (core NATS, the node's diag output subject). */
  send: (msg: DiagOutput) => void;
  now: () => number;
  /** The node's routing daemon as the agent knows it (configured or detected); a route lookup asks it. */
  routing?: () => RoutingDaemon | null;
}

/**
 * Runs remote diagnostics on this node: a request is decoded and its arguments checked
 * against the fixed list (refused otherwise), at most one runs at a time (a second is
 * refused as busy), the command runs with the request's deadline, and its output goes
 * back in order: accepted (with the argv), output chunks, done (exit code or error).
 */
export class DiagHandler {
  #running: string | null = null;
  constructor(private readonly o: DiagHandlerOptions) {}

  get running(): string | null {
    return this.#running;
  }

  /** Handles one raw request; resolves when its result was sent. */
  async handle(data: Uint8Array): Promise<void> {
    const text = new TextDecoder().decode(data);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    // The id is needed to answer at all; without a well-formed id nobody is waiting.
    const id = typeof raw === "object" && raw !== null && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : null;
    if (id === null || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) return;
    let seq = 0;
    const send = (m: Omit<DiagOutput, "type" | "v" | "id" | "node" | "seq">) => this.o.send(diagOutput.parse({ type: "diagout", v: PROTOCOL_VERSION, id, node: this.o.node, seq: seq++, ...m }));
    const args = checkDiagArgs((raw as { args?: unknown }).args);
    if (!args.ok) return send({ state: "refused", error: { code: "E_DIAG_REFUSED", message: args.message } });
    const req = decodeJson(diagRequest, text, "diagnostic request");
    if (!req.ok) return send({ state: "refused", error: { code: "E_DIAG_REFUSED", message: req.error.message.slice(0, 2000) } });
    if (req.value.node !== this.o.node) return send({ state: "refused", error: { code: "E_DIAG_REFUSED", message: `request for ${req.value.node} arrived at ${this.o.node}` } });
    if (this.#running !== null) return send({ state: "refused", error: { code: "E_DIAG_BUSY", message: `diagnostic ${this.#running} is still running on ${this.o.node}` } });
    const argv = diagArgv(args.args, this.o.routing?.() ?? null);
    this.#running = id;
    send({ state: "accepted", argv });
    try {
      // Output goes back as the command prints it when the runner streams; otherwise all at the end.
      let streamed = 0;
      const onOutput = (text: string) => {
        streamed += text.length;
        for (let i = 0; i < text.length; i += CHUNK) send({ state: "output", text: text.slice(i, i + CHUNK) });
      };
      const r = await this.o.runner.run(argv, { timeoutMs: req.value.deadlineMs, collector: "diag", onOutput });
      const rest = streamed > 0 ? r.stdout.slice(streamed) : r.stdout;
      const stdoutEnd = streamed > 0 ? r.stdout : rest;
      const out = rest + (r.stderr ? (stdoutEnd.endsWith("\n") || stdoutEnd === "" ? "" : "\n") + r.stderr : "");
      for (let i = 0; i < out.length; i += CHUNK) send({ state: "output", text: out.slice(i, i + CHUNK) });
      const scan = args.args.kind === "scan" && r.exitCode === 0 ? scanSummary(r.stdout) : null;
      send({ state: "done", exitCode: r.exitCode, ...(scan ? { scan } : {}) });
    } catch (e) {
      send({ state: "done", exitCode: null, error: { code: errorCode(e), message: (e instanceof Error ? e.message : String(e)).slice(0, 2000) } });
    } finally {
      this.#running = null;
    }
  }
}
