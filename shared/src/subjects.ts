import { SubjectTokenError } from "./errors";

/**
 * Every NATS subject meshfleet uses is built here, and only here. Tokens are validated
 * so that a node id can never smuggle wildcards, dots or whitespace into a subject.
 *
 * Layout: `mf.<kind>.<node>`; the node is always the last token so that per-node
 * permissions are one subject each.
 */
export const SUBJECT_PREFIX = "mf";

/** Node ids: lower-case hostnames (letters, digits, `-`, `_`), 1–63 characters. */
export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Alert codes and other identifiers used as tokens. */
const CODE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isValidNodeId(id: string): boolean {
  return NODE_ID_PATTERN.test(id);
}

function token(value: string, what: string, pattern: RegExp = NODE_ID_PATTERN): string {
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new SubjectTokenError(`invalid ${what} for a subject token: ${JSON.stringify(String(value).slice(0, 80))}`);
  }
  return value;
}

export const subjects = {
  /** Agent -> controller: telemetry snapshot (JetStream, stream TELEMETRY). */
  telemetry: (node: string) => `${SUBJECT_PREFIX}.tel.${token(node, "node id")}`,
  /** Agent -> controller: hello on every (re)connect (JetStream, stream TELEMETRY). */
  hello: (node: string) => `${SUBJECT_PREFIX}.hello.${token(node, "node id")}`,
  /** Agent -> controller: job progress and result (JetStream, stream TELEMETRY). */
  jobStatus: (node: string) => `${SUBJECT_PREFIX}.jobstatus.${token(node, "node id")}`,
  /** Controller -> agent: a configuration job for this node. */
  job: (node: string) => `${SUBJECT_PREFIX}.job.${token(node, "node id")}`,
  /** Controller -> agent: a remote diagnostic request for this node (core NATS). */
  diag: (node: string) => `${SUBJECT_PREFIX}.diag.${token(node, "node id")}`,
  /** Agent -> controller: a diagnostic's acceptance or refusal, output chunks and result (core NATS). */
  diagOutput: (node: string) => `${SUBJECT_PREFIX}.diagout.${token(node, "node id")}`,
  /** Controller -> anyone: an alert opened or resolved. */
  alert: (code: string) => `${SUBJECT_PREFIX}.alert.${token(code, "alert code", CODE_PATTERN)}`,
  /**
   * Broker configuration only: where a node account's `$JS.API.>` is imported from, in
   * the controller's account, where nothing ever subscribes (so the server does not give
   * the node's account its default import of the JetStream API).
   */
  jetStreamSink: (node: string) => `${SUBJECT_PREFIX}.nojs.${token(node, "node id")}.>`,
} as const;

/** Wildcards for the controller's consumers and the stream definition. */
export const subjectWildcards = {
  telemetry: `${SUBJECT_PREFIX}.tel.*`,
  hello: `${SUBJECT_PREFIX}.hello.*`,
  jobStatus: `${SUBJECT_PREFIX}.jobstatus.*`,
  job: `${SUBJECT_PREFIX}.job.*`,
  alert: `${SUBJECT_PREFIX}.alert.*`,
  diag: `${SUBJECT_PREFIX}.diag.*`,
  diagOutput: `${SUBJECT_PREFIX}.diagout.*`,
} as const;

/** The JetStream stream that carries everything agents publish. */
export const TELEMETRY_STREAM = "MESHFLEET_TELEMETRY";
export const TELEMETRY_STREAM_SUBJECTS = [subjectWildcards.telemetry, subjectWildcards.hello, subjectWildcards.jobStatus] as const;
/**
 * The stream on a site's leaf node (its own JetStream domain): same subjects, stores what
 * the site's agents publish while the uplink is down; the hub's TELEMETRY_STREAM sources it.
 */
export const SITE_STREAM = "MESHFLEET_SITE";

export type SubjectKind = "telemetry" | "hello" | "jobStatus" | "job" | "alert" | "diag" | "diagOutput";

/**
 * Several controllers (issue 18): the broker maps each node's telemetry and hello into a
 * partition by a hash of the node id (nats-server subject mapping, `partition()`), so one
 * consumer per partition sees every message of its nodes and nothing else. Job statuses
 * stay unpartitioned: the leading controller runs the rollouts and consumes them all.
 */
export const partitioned = {
  /** Where the broker maps `mf.tel.<node>` (in the telemetry stream). */
  telemetry: (partition: number, node: string) => `${SUBJECT_PREFIX}.p.${partitionToken(partition)}.tel.${token(node, "node id")}`,
  hello: (partition: number, node: string) => `${SUBJECT_PREFIX}.p.${partitionToken(partition)}.hello.${token(node, "node id")}`,
  /** The filter of one partition's consumer (nats-server 2.9 wants it within one of the stream's subjects). */
  filter: (partition: number) => `${SUBJECT_PREFIX}.p.${partitionToken(partition)}.*.*`,
  /** The telemetry stream's subjects when partitioned (`mf.p.<partition>.<tel|hello>.<node>`, the job statuses). */
  streamSubjects: [`${SUBJECT_PREFIX}.p.*.*.*`, subjectWildcards.jobStatus] as const,
  /** nats-server `mappings` (source -> destination) that partition the fleet into `count` partitions. */
  mappings: (count: number): [string, string][] => {
    partitionToken(count - 1);
    return (["tel", "hello"] as const).map((k) => [`${SUBJECT_PREFIX}.${k}.*`, `${SUBJECT_PREFIX}.p.{{partition(${count},1)}}.${k}.{{wildcard(1)}}`]);
  },
} as const;

/** Partition numbers: 0..1023. */
export const MAX_PARTITIONS = 1024;

function partitionToken(p: number): string {
  if (!Number.isInteger(p) || p < 0 || p >= MAX_PARTITIONS) throw new SubjectTokenError(`invalid partition for a subject token: ${JSON.stringify(p)}`);
  return String(p);
}

/** The KV bucket (a JetStream stream under the KV conventions) where controllers hold their leases. */
export const CLUSTER_BUCKET = "meshfleet-cluster";
/** Lease keys: `member.<id>`, `leader`, `partition.<n>`. */
export const clusterKeys = {
  member: (id: string) => `member.${token(id, "controller id")}`,
  leader: "leader",
  partition: (p: number) => `partition.${partitionToken(p)}`,
  /** The KV subject of a key (what the stream stores it under). */
  subject: (key: string) => `$KV.${CLUSTER_BUCKET}.${key}`,
  members: `$KV.${CLUSTER_BUCKET}.member.*`,
  all: `$KV.${CLUSTER_BUCKET}.>`,
} as const;

/** Splits a received subject into its kind and node id (a partitioned one too); null when it is not one of ours. */
export function parseSubject(subject: string): { kind: SubjectKind; node: string } | null {
  let parts = subject.split(".");
  // mf.p.<n>.<kind>.<node> -> mf.<kind>.<node>
  if (parts.length === 5 && parts[0] === SUBJECT_PREFIX && parts[1] === "p" && /^\d{1,4}$/.test(parts[2]!)) parts = [parts[0], parts[3]!, parts[4]!];
  if (parts.length !== 3 || parts[0] !== SUBJECT_PREFIX) return null;
  const [, kind, node] = parts as [string, string, string];
  const kinds: Record<string, SubjectKind> = { tel: "telemetry", hello: "hello", jobstatus: "jobStatus", job: "job", alert: "alert", diag: "diag", diagout: "diagOutput" };
  const k = kinds[kind];
  if (k === undefined) return null;
  if (k !== "alert" && !isValidNodeId(node)) return null;
  return { kind: k, node };
}
