import {
  MAX_MESSAGE_BYTES,
  SUPPORTED_PROTOCOL_VERSIONS,
  decode,
  decodeJson,
  hello,
  jobStatus,
  parseSubject,
  snapshot,
  type Hello,
  type JobStatus,
  type Snapshot,
} from "@meshfleet/shared";
import { z } from "zod";

/** A validated message, as ingest listeners receive it. */
export type IngestItem = { kind: "hello"; msg: Hello } | { kind: "snapshot"; msg: Snapshot } | { kind: "jobStatus"; msg: JobStatus };

export const REJECT_REASONS = ["too_large", "bad_subject", "not_json", "invalid", "node_mismatch", "unsupported_version", "bad_encoding", "base_missing"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type Decoded = { ok: true; item: IngestItem } | { ok: false; reason: RejectReason; message: string };

const utf8 = new TextDecoder();
/**
 * The shared schemas, AOT-compiled by zod (`z.compile`): a generated fast path accepts what
 * the schema accepts and builds the same output (defaults applied, unknown keys stripped);
 * anything it does not accept goes to zod's runtime parser, so a rejection and its issues
 * are exactly the schema's. About 7x cheaper per valid bench snapshot (130 -> 18 us).
 * `decode.test.ts` compares both on valid and randomly broken messages.
 */
export const edgeSchemas = { telemetry: z.compile(snapshot), hello: z.compile(hello), jobStatus: z.compile(jobStatus) } as const;
const schemas = edgeSchemas;
const whats = { telemetry: "snapshot", hello: "hello", jobStatus: "job status" } as const;

/**
 * Decodes one message from the telemetry stream (pure): size, subject, JSON, schema,
 * protocol version, and the node id inside the message against the subject's node token
 * (a node's credentials only let it publish on its own subjects; this check keeps a
 * message from speaking for another node even if they did not).
 */
export function decodeMessage(subject: string, data: Uint8Array, maxBytes = MAX_MESSAGE_BYTES): Decoded {
  if (data.length > maxBytes) return { ok: false, reason: "too_large", message: `message of ${data.length} bytes exceeds ${maxBytes}` };
  return decodeText(subject, utf8.decode(data));
}

type Kind = "telemetry" | "hello" | "jobStatus";

function kindOf(subject: string): { kind: Kind; node: string } | Decoded {
  const subj = parseSubject(subject);
  if (!subj || (subj.kind !== "telemetry" && subj.kind !== "hello" && subj.kind !== "jobStatus")) {
    return { ok: false, reason: "bad_subject", message: `not a telemetry subject: ${subject.slice(0, 120)}` };
  }
  return subj as { kind: Kind; node: string };
}

/** `decodeMessage` for JSON text already read (inflated) from the message. */
export function decodeText(subject: string, text: string): Decoded {
  const subj = kindOf(subject);
  if ("ok" in subj) return subj;
  const r = decodeJson(schemas[subj.kind], text, whats[subj.kind]);
  if (!r.ok) {
    const notJson = r.error.issues.length === 0 && r.error.message.includes("not JSON");
    return { ok: false, reason: notJson ? "not_json" : "invalid", message: r.error.message };
  }
  return checked(subj, r.value);
}

/** `decodeMessage` for a value already parsed (a snapshot rebuilt from a delta). */
export function decodeValue(subject: string, value: unknown): Decoded {
  const subj = kindOf(subject);
  if ("ok" in subj) return subj;
  const r = decode(schemas[subj.kind], value, whats[subj.kind]);
  if (!r.ok) return { ok: false, reason: "invalid", message: r.error.message };
  return checked(subj, r.value);
}

function checked(subj: { kind: Kind; node: string }, msg: Hello | Snapshot | JobStatus): Decoded {
  if (msg.node !== subj.node) {
    return { ok: false, reason: "node_mismatch", message: `message for node ${msg.node} arrived on the subject of node ${subj.node}` };
  }
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(msg.v)) {
    return { ok: false, reason: "unsupported_version", message: `protocol version ${msg.v} is not supported` };
  }
  switch (subj.kind) {
    case "telemetry":
      return { ok: true, item: { kind: "snapshot", msg: msg as Snapshot } };
    case "hello":
      return { ok: true, item: { kind: "hello", msg: msg as Hello } };
    default:
      return { ok: true, item: { kind: "jobStatus", msg: msg as JobStatus } };
  }
}
