import { z } from "zod";
import { MAX_PARTITIONS, NODE_ID_PATTERN } from "@meshfleet/shared";
import { parseDuration, parseListen, parseReplicas, parseServers } from "./options";

/**
 * The commit window `serve` uses unless told (`--commit-window auto`): 15 s, or half the ack
 * wait when that is shorter (the ingest refuses a window over half of it; the default ack
 * wait, 30 s, allows exactly 15 s). A home mesh of 7 routers at 10 s then shares a commit
 * between ~10 snapshots: a third fewer bytes written than with 5 s (docs/install.md), for a
 * snapshot shown up to 15 s after it was taken instead of 5 s (a hello or a job status
 * commits at once). At thousands of snapshots a second, `--batch` messages fill a commit
 * long before the window ends.
 */
export const DEFAULT_COMMIT_WINDOW_MS = 15_000;
export const defaultCommitWindow = (ackWaitMs: number): number => Math.min(DEFAULT_COMMIT_WINDOW_MS, Math.floor(ackWaitMs / 2));

/** `serve`'s flags, validated (loaded when `serve` runs: the other commands and --help do not load zod). */
export const serveOptions = z.object({
  db: z.string().min(1),
  /** One URL or several, comma-separated (cluster members: the client fails over between them). */
  nats: z.string().transform(parseServers),
  listen: z.string().transform(parseListen),
  rawRetention: z.string().transform((s) => parseDuration(s, "--raw-retention")),
  minuteRetention: z.string().transform((s) => parseDuration(s, "--minute-retention")),
  quarterRetention: z.string().transform((s) => parseDuration(s, "--quarter-retention")),
  hourRetention: z.string().transform((s) => parseDuration(s, "--hour-retention")),
  streamMaxAge: z.string().transform((s) => parseDuration(s, "--stream-max-age")),
  streamMaxBytes: z.coerce.number().int().positive(),
  nodeRate: z.coerce.number().min(0),
  nodeBurst: z.coerce.number().int().min(1),
  /** A node's clock further than this from the broker's is not trusted (0: off). */
  clockSkew: z.string().transform((s) => (s === "0" ? 0 : parseDuration(s, "--clock-skew"))),
  ackWait: z.string().transform((s) => parseDuration(s, "--ack-wait")),
  batch: z.coerce.number().int().min(1).max(10_000),
  /** Group commit: how long a message may wait for others to share its transaction (0: none; auto: `defaultCommitWindow`). */
  commitWindow: z.string().transform((s) => (s === "auto" ? null : s === "0" ? 0 : parseDuration(s, "--commit-window"))),
  /** How long SQLite's ingest transaction may stay open (`IngestOptions.durableEveryMs`; 0: a commit per batch). */
  durableEvery: z.string().transform((s) => (s === "0" ? 0 : parseDuration(s, "--durable-every"))),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
  synchronous: z.enum(["NORMAL", "FULL"]),
  /** JSON file with detection parameters and webhook sinks (see controller/src/detect/config-file.ts). */
  alerting: z.string().min(1).optional(),
  /** The controller's nkey seed file (written by `nats-config` as <keys>/_controller.nk). */
  nkeySeed: z.string().min(1).optional(),
  /** The keys directory (`enroll`, `nats-config`) for enrollment through the API. */
  keys: z.string().min(1).optional(),
  /** The broker's accounts file and nats-server's pid file: enroll/rotate/revoke through the API rewrite and reload it. */
  natsConfig: z.string().min(1).optional(),
  natsPidFile: z.string().min(1).optional(),
  /** TLS to NATS: CA file, and a client certificate + key when the server asks for one. */
  tlsCa: z.string().min(1).optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** Telemetry stream replicas (when created or reconciled): auto = 3 on a cluster, 1 on a single server. */
  streamReplicas: z.string().transform(parseReplicas),
  /** JetStream domains of site leaf nodes, comma-separated: their site streams are sourced. */
  sites: z.string().optional().transform((s) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean) : [])),
  /** Several controllers (issue 18): the fleet's partitions (the broker's mapping uses the same count). */
  clusterPartitions: z.coerce.number().int().min(1).max(MAX_PARTITIONS).optional(),
  controllerId: z.string().regex(NODE_ID_PATTERN, "--controller-id: lower-case letters, digits, - and _").optional(),
  leaseTtl: z.string().transform((s) => parseDuration(s, "--lease-ttl")).pipe(z.number().min(1000).max(300_000)),
}).refine((o) => (o.natsConfig === undefined) === (o.natsPidFile === undefined) && (o.natsConfig === undefined || o.keys !== undefined), {
  message: "--nats-config and --nats-pid-file go together, and need --keys",
}).transform((o) => ({ ...o, commitWindow: o.commitWindow ?? defaultCommitWindow(o.ackWait) }));
export type ServeOptions = z.infer<typeof serveOptions>;
