import * as z from "zod/mini";
import { nodeId, WIRE_MODES } from "@meshfleet/shared";

const nonEmpty = () => z.string().check(z.minLength(1));
const argvList = z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(32));
const argvNonEmpty = z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.minLength(1), z.maxLength(32));
const rewrite = z.strictObject({ prefix: z.optional(argvList), programs: z.optional(z.record(nonEmpty(), argvNonEmpty)) });

const sshRunner = z.strictObject({
  type: z.literal("ssh"),
  host: z.string().check(
    z.regex(/^[A-Za-z0-9._:%[\]-]+$/, "a host name or address"),
    z.refine((h) => !h.startsWith("-"), "must not start with -"),
  ),
  user: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/))),
  port: z.optional(z.int().check(z.gte(1), z.lte(65535))),
  identityFile: z.optional(nonEmpty()),
  knownHostsFile: z.optional(nonEmpty()),
  strictHostKeyChecking: z.optional(z.enum(["yes", "no", "accept-new"])),
  connectTimeoutSec: z.optional(z.int().check(z.gte(1), z.lte(120))),
  /** Reuse one SSH connection per router (ControlMaster) with sockets in this directory. */
  controlDir: z.optional(nonEmpty()),
});

const localRunner = z.strictObject({ type: z.literal("local") });

const prefixedRunner = z.strictObject({
  type: z.literal("prefixed"),
  prefix: z.optional(argvList),
  programs: z.optional(z.record(nonEmpty(), argvNonEmpty)),
  /** Per collector (`interfaces`, `stations`, `meshPaths`, `routing`, `counters`, `system`, `wireless`, `jobs`). */
  collectors: z.optional(z.record(nonEmpty(), rewrite)),
  /** Where the rewritten argv runs: here (default) or over ssh. */
  inner: z.optional(z.discriminatedUnion("type", [localRunner, sshRunner])),
});

export const runnerConfig = z.discriminatedUnion("type", [localRunner, sshRunner, prefixedRunner]);
export type RunnerConfig = z.infer<typeof runnerConfig>;

/** One router of a companion host that manages several over SSH (agentless mode). */
const ROUTING = ["auto", "bird1", "bird2", "babeld", "none"] as const;
const tags = z.array(z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "tags are lower-case words"))).check(z.maxLength(32));

export const nodeEntry = z.strictObject({
  nodeId,
  runner: runnerConfig,
  routing: z.optional(z.enum(ROUTING)),
  tags: z.optional(tags),
  /** This node's own NATS credentials (its own connection); default: the shared connection. */
  credsFile: z.optional(nonEmpty()),
});
export type NodeEntry = z.infer<typeof nodeEntry>;

const natsUrl = z.string().check(z.regex(/^(nats|tls|ws|wss):\/\/[^\s]+$|^[A-Za-z0-9.-]+:\d+$/, "a NATS URL such as nats://controller.lan:4222"));

/**
 * The agent's configuration (`agent.json`, then env, then flags). The NATS password is
 * never read from the file: only from MESHFLEET_NATS_PASSWORD.
 */
export const agentConfig = z.strictObject({
  nodeId,
  nats: z.optional(
    z.strictObject({
      servers: z.array(natsUrl).check(z.minLength(1), z.maxLength(16)),
      credsFile: z.optional(nonEmpty()),
      /** The node's nkey seed file from `meshfleet-controller enroll` (replies then use the inbox prefix `_INBOX_<node>`). */
      nkeySeedFile: z.optional(nonEmpty()),
      user: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
      tls: z.optional(z.strictObject({ caFile: z.optional(nonEmpty()), certFile: z.optional(nonEmpty()), keyFile: z.optional(nonEmpty()) })),
    }),
  ),
  intervalMs: z._default(z.int().check(z.gte(100), z.lte(3_600_000)), 10_000),
  bufferSize: z._default(z.int().check(z.gte(1), z.lte(100_000)), 360),
  /**
   * How snapshots travel: deltas against deflated keyframes (default; the controller keeps each
   * node's last keyframes in its store, so a restart does not lose them), deflated keyframes only,
   * or plain JSON (protocol version 1 controllers).
   */
  wire: z._default(z.enum(WIRE_MODES), "delta"),
  commandTimeoutMs: z._default(z.int().check(z.gte(100), z.lte(120_000)), 5000),
  publishTimeoutMs: z._default(z.int().check(z.gte(100), z.lte(120_000)), 5000),
  runner: z._default(runnerConfig, { type: "local" }),
  routing: z._default(z.enum(ROUTING), "auto"),
  /** argv that prints babeld's local-interface `dump` (e.g. ["nc","::1","33123"]). */
  babeldDumpArgv: z.optional(argvNonEmpty),
  tags: z._default(tags, []),
  logLevel: z._default(z.enum(["debug", "info", "warn", "error"]), "info"),
  /**
   * Configuration jobs from the controller (uci through the runner, reloads, verify,
   * rollback), taken only on this node's own job subject and within each template's scope.
   * The job state file (`<stateDir>/jobs.json`, or `jobs-<node>.json` per `nodes` entry)
   * must survive a reboot, so an interrupted job is rolled back at start.
   */
  jobs: z._default(z.strictObject({ enabled: z._default(z.boolean(), true), stateDir: z._default(nonEmpty(), "/etc/meshfleet") }), { enabled: true, stateDir: "/etc/meshfleet" }),
  /**
   * Several routers from one process (a companion host reaching them over SSH): one
   * agent per entry, each with its own node id, boot id, seq and buffer. Without it
   * the process is one agent for `nodeId` with `runner`.
   */
  nodes: z.optional(
    z.array(nodeEntry).check(
      z.minLength(1),
      z.maxLength(1000),
      z.refine((ns) => new Set(ns.map((n) => n.nodeId)).size === ns.length, "node ids must be unique"),
    ),
  ),
});
export type AgentConfig = z.infer<typeof agentConfig>;
export type AgentConfigInput = z.input<typeof agentConfig>;
