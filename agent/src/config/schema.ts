import { z } from "zod";
import { nodeId, WIRE_MODES } from "@meshfleet/shared";

const argvList = z.array(z.string().min(1).max(256)).max(32);
const rewrite = z.object({ prefix: argvList.optional(), programs: z.record(z.string().min(1), argvList.min(1)).optional() }).strict();

const sshRunner = z
  .object({
    type: z.literal("ssh"),
    host: z.string().regex(/^[A-Za-z0-9._:%[\]-]+$/, "a host name or address").refine((h) => !h.startsWith("-"), "must not start with -"),
    user: z.string().regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    identityFile: z.string().min(1).optional(),
    knownHostsFile: z.string().min(1).optional(),
    strictHostKeyChecking: z.enum(["yes", "no", "accept-new"]).optional(),
    connectTimeoutSec: z.number().int().min(1).max(120).optional(),
    /** Reuse one SSH connection per router (ControlMaster) with sockets in this directory. */
    controlDir: z.string().min(1).optional(),
  })
  .strict();

const localRunner = z.object({ type: z.literal("local") }).strict();

const prefixedRunner = z
  .object({
    type: z.literal("prefixed"),
    prefix: argvList.optional(),
    programs: z.record(z.string().min(1), argvList.min(1)).optional(),
    /** Per collector (`interfaces`, `stations`, `meshPaths`, `routing`, `counters`, `system`, `wireless`, `jobs`). */
    collectors: z.record(z.string().min(1), rewrite).optional(),
    /** Where the rewritten argv runs: here (default) or over ssh. */
    inner: z.discriminatedUnion("type", [localRunner, sshRunner]).optional(),
  })
  .strict();

export const runnerConfig = z.discriminatedUnion("type", [localRunner, sshRunner, prefixedRunner]);
export type RunnerConfig = z.infer<typeof runnerConfig>;

/** One router of a companion host that manages several over SSH (agentless mode). */
export const nodeEntry = z
  .object({
    nodeId,
    runner: runnerConfig,
    routing: z.enum(["auto", "bird1", "bird2", "babeld", "none"]).optional(),
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "tags are lower-case words")).max(32).optional(),
    /** This node's own NATS credentials (its own connection); default: the shared connection. */
    credsFile: z.string().min(1).optional(),
  })
  .strict();
export type NodeEntry = z.infer<typeof nodeEntry>;

const natsUrl = z.string().regex(/^(nats|tls|ws|wss):\/\/[^\s]+$|^[A-Za-z0-9.-]+:\d+$/, "a NATS URL such as nats://controller.lan:4222");

/**
 * The agent's configuration (`agent.json`, then env, then flags). The NATS password is
 * never read from the file: only from MESHFLEET_NATS_PASSWORD.
 */
export const agentConfig = z
  .object({
    nodeId,
    nats: z
      .object({
        servers: z.array(natsUrl).min(1).max(16),
        credsFile: z.string().min(1).optional(),
        /** The node's nkey seed file from `meshfleet-controller enroll` (replies then use the inbox prefix `_INBOX_<node>`). */
        nkeySeedFile: z.string().min(1).optional(),
        user: z.string().min(1).max(256).optional(),
        tls: z.object({ caFile: z.string().min(1).optional(), certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional() }).strict().optional(),
      })
      .strict()
      .optional(),
    intervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
    bufferSize: z.number().int().min(1).max(100_000).default(360),
    /**
     * How snapshots travel: deltas against deflated keyframes (default; the controller keeps each
     * node's last keyframes in its store, so a restart does not lose them), deflated keyframes only,
     * or plain JSON (protocol version 1 controllers).
     */
    wire: z.enum(WIRE_MODES).default("delta"),
    commandTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    publishTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    runner: runnerConfig.default({ type: "local" }),
    routing: z.enum(["auto", "bird1", "bird2", "babeld", "none"]).default("auto"),
    /** argv that prints babeld's local-interface `dump` (e.g. ["nc","::1","33123"]). */
    babeldDumpArgv: argvList.min(1).optional(),
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "tags are lower-case words")).max(32).default([]),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /**
     * Several routers from one process (a companion host reaching them over SSH): one
     * agent per entry, each with its own node id, boot id, seq and buffer. Without it
     * the process is one agent for `nodeId` with `runner`.
     */
    nodes: z
      .array(nodeEntry)
      .min(1)
      .max(1000)
      .refine((ns) => new Set(ns.map((n) => n.nodeId)).size === ns.length, "node ids must be unique")
      .optional(),
  })
  .strict();
export type AgentConfig = z.infer<typeof agentConfig>;
export type AgentConfigInput = z.input<typeof agentConfig>;
