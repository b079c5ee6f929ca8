import type { Command } from "commander";
import { ConfigError } from "@meshfleet/shared";
import { TEMPLATE_NAMES } from "../jobs/templates/names";
import { parseDuration } from "./options";

/** What the job commands need from the world (tests pass an in-process API and a buffer). */
export interface JobCliIo {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  write: (text: string) => void;
  sleep: (ms: number) => Promise<void>;
  /** Redraw the progress bar in place (a terminal) or print progress lines (a pipe). */
  tty: boolean;
}

const realIo = (): JobCliIo => ({
  fetch: (url, init) => fetch(url, init),
  write: (t) => void process.stdout.write(t),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  tty: process.stdout.isTTY === true,
});

export interface ApplyOptions {
  template: string;
  param: string[];
  target: string;
  api: string;
  token?: string;
  canary?: string;
  batchSize?: string;
  pause?: string;
  maxFailures?: string;
  deadline?: string;
  minMeshPeers?: string;
  description?: string;
  dryRun?: boolean;
  follow?: boolean;
  pollMs?: number;
}

function int(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ConfigError(`${what}: expected a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The POST /api/jobs body; `params` are the `--param` values typed by the template (job-params.ts). */
export function buildJobRequest(o: ApplyOptions, params: Record<string, unknown>): Record<string, unknown> {
  const rollout: Record<string, number> = {};
  const set = (k: string, v: number | undefined) => v !== undefined && (rollout[k] = v);
  set("canary", int(o.canary, "--canary"));
  set("batchSize", int(o.batchSize, "--batch-size"));
  set("maxFailures", int(o.maxFailures, "--max-failures"));
  if (o.pause !== undefined) rollout.pauseMs = parseDuration(o.pause, "--pause");
  const verify: Record<string, number> = {};
  if (o.deadline !== undefined) verify.deadlineMs = parseDuration(o.deadline, "--deadline");
  const mp = int(o.minMeshPeers, "--min-mesh-peers");
  if (mp !== undefined) verify.minMeshPeers = mp;
  return {
    template: o.template,
    target: o.target,
    params,
    ...(o.description === undefined ? {} : { description: o.description }),
    ...(Object.keys(rollout).length ? { rollout } : {}),
    ...(Object.keys(verify).length ? { verify: { deadlineMs: 60_000, ...verify } } : {}),
  };
}

interface NodeView {
  node: string;
  state: string;
  step: string | null;
  reason: string | null;
  attempts: number;
}
interface JobViewLite {
  id: string;
  status: string;
  reason: string | null;
  nodes: NodeView[];
}

const FINAL = new Set(["verified", "failed", "rolled_back", "skipped"]);
const DONE_STATUSES = new Set(["completed", "cancelled", "expired", "halted"]);

export function progressBar(job: JobViewLite, width = 30): string {
  const total = job.nodes.length;
  const done = job.nodes.filter((n) => FINAL.has(n.state)).length;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const count = (s: string) => job.nodes.filter((n) => n.state === s).length;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${job.status} (verified ${count("verified")}, failed ${count("failed")}, rolled back ${count("rolled_back")}, skipped ${count("skipped")})`;
}

function nodeLine(n: NodeView): string {
  const detail = n.reason ?? n.step;
  return `  ${n.node.padEnd(16)} ${n.state.padEnd(11)}${detail ? ` ${detail}` : ""}${n.attempts > 1 ? ` (attempt ${n.attempts})` : ""}`;
}

async function call(io: JobCliIo, o: { api: string; token?: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const token = o.token ?? process.env.MESHFLEET_TOKEN;
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await io.fetch(`${o.api.replace(/\/$/, "")}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: shown as text
  }
  return { status: r.status, body: parsed };
}

/** Follows a job until it ends, printing a progress bar and a line per node state change. Returns the final view. */
export async function followJob(io: JobCliIo, o: { api: string; token?: string; pollMs?: number }, id: string): Promise<JobViewLite> {
  const seen = new Map<string, string>();
  for (;;) {
    const r = await call(io, o, "GET", `/api/jobs/${id}`);
    if (r.status !== 200) throw new ConfigError(`GET /api/jobs/${id}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    const job = r.body as JobViewLite;
    const lines: string[] = [];
    for (const n of job.nodes) {
      const key = `${n.state}|${n.step ?? ""}|${n.reason ?? ""}`;
      if (seen.get(n.node) !== key) lines.push(nodeLine(n));
      seen.set(n.node, key);
    }
    if (io.tty) io.write(`\r\x1b[2K${lines.map((l) => `${l}\n`).join("")}${progressBar(job)}`);
    else if (lines.length > 0) io.write(`${lines.map((l) => `${l}\n`).join("")}${progressBar(job)}\n`);
    if (DONE_STATUSES.has(job.status)) {
      if (io.tty) io.write("\n");
      if (job.reason) io.write(`job ${job.status}: ${job.reason}\n`);
      return job;
    }
    await io.sleep(o.pollMs ?? 500);
  }
}

/** `job apply`: creates (or dry-runs) a job and follows it; resolves with the exit code. */
export async function runJobApply(o: ApplyOptions, io: JobCliIo = realIo()): Promise<number> {
  // The templates (and zod) load when a job is applied, not for --help or the other commands.
  const { coerceParams } = await import("./job-params");
  const body = buildJobRequest(o, coerceParams(o.template, o.param));
  const r = await call(io, o, "POST", `/api/jobs${o.dryRun ? "?dryRun=1" : ""}`, body);
  if (r.status === 400) {
    io.write(`invalid job:\n${(r.body.issues as { path: string; message: string }[]).map((i) => `  ${i.path}: ${i.message}`).join("\n")}\n`);
    return 2;
  }
  if (r.status >= 300) throw new ConfigError(`POST /api/jobs: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  if (o.dryRun) {
    for (const p of r.body.nodes as { node: string; basis: string; skip: string | null; error: string | null; commands: string[]; diffs: { diff: string }[] }[]) {
      io.write(`== ${p.node} (${p.basis})${p.skip ? ` skipped: ${p.skip}` : ""}${p.error ? ` would fail: ${p.error}` : ""}\n`);
      for (const c of p.commands) io.write(`  uci ${c}\n`);
      for (const d of p.diffs) io.write(d.diff);
    }
    return 0;
  }
  io.write(`job ${r.body.id as string} created (${(r.body.nodes as unknown[]).length} nodes)\n`);
  if (o.follow === false) return 0;
  const job = await followJob(io, o, r.body.id as string);
  return job.status === "completed" && job.nodes.every((n) => n.state === "verified" || n.state === "skipped") ? 0 : 1;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** `meshfleet-controller job apply|list|show|cancel|resume`. */
export function registerJobCommand(program: Command, io?: JobCliIo): void {
  const job = program.command("job").description("configuration jobs: apply a template to the fleet with canary and rollback");
  const common = (c: Command) =>
    c.option("--api <url>", "controller API", process.env.MESHFLEET_API ?? "http://127.0.0.1:8080").option("--token <token>", "API token sent as Authorization: Bearer (default: $MESHFLEET_TOKEN)");
  common(
    job
      .command("apply")
      .description("create a job and show live per-node progress until it ends")
      .requiredOption("--template <name>", `one of ${TEMPLATE_NAMES.join(", ")}`)
      .option("--param <key=value>", "template parameter (repeatable)", collect, [])
      .requiredOption("--target <target>", "all | node,node | tag:<tag>")
      .option("--canary <n>", "nodes in the canary batch")
      .option("--batch-size <n>", "nodes per batch after the canary")
      .option("--pause <duration>", "pause between batches (e.g. 30s)")
      .option("--max-failures <n>", "failed nodes tolerated before the rollout halts")
      .option("--deadline <duration>", "verification deadline per node (e.g. 60s)")
      .option("--min-mesh-peers <n>", "a node must keep this many mesh peers")
      .option("--description <text>")
      .option("--dry-run", "show the per-node plan (UCI commands and diffs) and change nothing")
      .option("--no-follow", "return once the job is created"),
  ).action(async (o: ApplyOptions) => {
    process.exitCode = await runJobApply(o, io);
  });
  const simple = (name: string, describe: string, method: string, path: (id: string) => string) =>
    common(job.command(`${name}${path("x") === "/api/jobs" ? "" : " <id>"}`).description(describe)).action(async (...args: unknown[]) => {
      const theIo = io ?? realIo();
      const id = typeof args[0] === "string" ? args[0] : "";
      const opts = (typeof args[0] === "string" ? args[1] : args[0]) as { api: string; token?: string };
      const r = await call(theIo, opts, method, path(id));
      theIo.write(`${JSON.stringify(r.body, null, 2)}\n`);
      if (r.status >= 300) process.exitCode = 1;
    });
  simple("list", "list jobs", "GET", () => "/api/jobs");
  simple("show", "one job with per-node states and timings", "GET", (id) => `/api/jobs/${encodeURIComponent(id)}`);
  simple("cancel", "cancel a running or halted job", "POST", (id) => `/api/jobs/${encodeURIComponent(id)}/cancel`);
  simple("resume", "resume a halted job", "POST", (id) => `/api/jobs/${encodeURIComponent(id)}/resume`);
}
