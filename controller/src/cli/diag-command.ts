import type { Command } from "commander";
import { ConfigError, DIAG_KINDS, type DiagKind } from "@meshfleet/shared";

/** What the diag command needs from the world (tests pass an in-process API and buffers). */
export interface DiagCliIo {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** The diagnostic's own output (stdout). */
  write: (text: string) => void;
  /** What the CLI says about it: the argv the node runs, the result (stderr). */
  note: (text: string) => void;
  /** Sets the process exit code (non-zero when the diagnostic did not run or failed). */
  exit: (code: number) => void;
}

const realIo = (): DiagCliIo => ({
  fetch: (url, init) => fetch(url, init),
  write: (t) => void process.stdout.write(t),
  note: (t) => void process.stderr.write(t),
  exit: (code) => void (process.exitCode = code),
});

interface DiagOpts {
  api: string;
  token?: string;
  count?: string;
  size?: string;
  maxHops?: string;
  iface?: string;
  duration?: string;
  deadline?: string;
}

const int = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ConfigError(`${what}: expected a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
};

/** The API's arguments for one diagnostic from the command line (the API validates them). */
export function diagCliArgs(kind: string, operand: string | undefined, o: DiagOpts): Record<string, unknown> {
  if (!(DIAG_KINDS as readonly string[]).includes(kind)) throw new ConfigError(`${kind} is not on the diagnostics list (${DIAG_KINDS.join(", ")})`);
  const k = kind as DiagKind;
  const drop = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  const need = (what: string) => {
    if (operand === undefined) throw new ConfigError(`${kind} needs a ${what}: meshfleet-controller diag <node> ${kind} <${what}>`);
    return operand;
  };
  switch (k) {
    case "ping":
    case "ping6":
      return drop({ kind: k, target: need("target"), count: int(o.count, "--count"), size: int(o.size, "--size") });
    case "traceroute":
      return drop({ kind: k, target: need("target"), maxHops: int(o.maxHops, "--max-hops") });
    case "iperf3":
      return drop({ kind: k, target: need("target"), durationSec: int(o.duration, "--duration") });
    case "iperf3-server":
      throw new ConfigError(`${kind} is started on the target of an iperf3 test, not asked for alone: meshfleet-controller diag <node> iperf3 <target node>`);
    case "route":
      return { kind: k, prefix: need("prefix") };
    case "mpath":
    case "stations":
    case "scan":
      return drop({ kind: k, iface: o.iface ?? operand });
  }
}

/** Reads server-sent events from a response body, calling `on` for each complete one. */
async function readEvents(body: ReadableStream<Uint8Array>, on: (event: string, data: unknown) => void): Promise<void> {
  const dec = new TextDecoder();
  let buf = "";
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = block
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.replace(/^data: ?/, ""))
        .join("\n");
      if (event && data) on(event, JSON.parse(data) as unknown);
    }
  }
}

/**
 * `diag <node> <kind> [target|prefix|iface]`: runs one diagnostic from the fixed list on a
 * node through the API and prints its output as the node prints it; the exit code is 0
 * only when it ran and exited 0.
 */
export function registerDiagCommand(program: Command, io: DiagCliIo = realIo()): void {
  program
    .command("diag <node> <kind> [operand]")
    .description(`run a remote diagnostic on a node, output as it arrives (${DIAG_KINDS.filter((k) => k !== "iperf3-server").join(", ")})`)
    .option("--api <url>", "controller API", process.env.MESHFLEET_API ?? "http://127.0.0.1:8080")
    .option("--token <token>", "API token with the operator role (default: $MESHFLEET_TOKEN)")
    .option("--count <n>", "ping/ping6: probes")
    .option("--size <bytes>", "ping/ping6: payload size")
    .option("--max-hops <n>", "traceroute: most hops")
    .option("--iface <name>", "mpath/stations/scan: the interface")
    .option("--duration <s>", "iperf3: seconds")
    .option("--deadline <ms>", "give up after this long on the node")
    .action(async (node: string, kind: string, operand: string | undefined, o: DiagOpts) => {
      const args = diagCliArgs(kind, operand, o);
      const token = o.token ?? process.env.MESHFLEET_TOKEN;
      const deadlineMs = int(o.deadline, "--deadline");
      const res = await io.fetch(`${o.api.replace(/\/$/, "")}/api/diag/${encodeURIComponent(node)}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ args, ...(deadlineMs !== undefined ? { deadlineMs } : {}) }),
      });
      if (!res.ok || !res.body) {
        const data = (await res.json().catch(() => ({}))) as { message?: string };
        throw new ConfigError(`diag ${node} ${kind}: HTTP ${res.status}: ${data.message ?? "error"}`);
      }
      type Result = { result: string; exitCode: number | null; error: { message: string } | null; requestedAt: number; finishedAt: number };
      const got: { result: Result | null } = { result: null };
      await readEvents(res.body, (event, data) => {
        if (event === "accepted") io.note(`${node}$ ${(data as { argv: string[] }).argv.join(" ")}\n`);
        else if (event === "output") io.write((data as { text: string }).text);
        else if (event === "result") got.result = data as Result;
      });
      const r = got.result;
      if (!r) {
        io.note(`${node}: the stream ended without a result\n`);
        return io.exit(1);
      }
      io.note(`${node}: ${r.result}${r.exitCode !== null ? `, exit ${r.exitCode}` : ""} in ${r.finishedAt - r.requestedAt} ms${r.error ? `: ${r.error.message}` : ""}\n`);
      io.exit(r.result === "done" && r.exitCode === 0 ? 0 : r.result === "done" ? (r.exitCode ?? 1) : 1);
    });
}
