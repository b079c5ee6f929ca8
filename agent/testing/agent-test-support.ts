import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { TELEMETRY_STREAM, parseSubject, type Hello, type JobStatus, type Snapshot } from "@meshfleet/shared";

/** Test support: everything in the telemetry stream, in stream order, decoded. */
export interface StreamMessage {
  streamSeq: number;
  kind: "telemetry" | "hello" | "jobStatus";
  node: string;
  body: unknown;
}

export async function readTelemetryStream(url: string): Promise<StreamMessage[]> {
  const nc: NatsConnection = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(TELEMETRY_STREAM);
    const out: StreamMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(TELEMETRY_STREAM, { seq });
      if (!m) continue;
      const s = parseSubject(m.subject);
      if (!s || (s.kind !== "telemetry" && s.kind !== "hello" && s.kind !== "jobStatus")) continue;
      out.push({ streamSeq: seq, kind: s.kind, node: s.node, body: m.json() });
    }
    return out;
  } finally {
    await nc.close();
  }
}

export const snapshotsOf = (ms: StreamMessage[]) => ms.filter((m) => m.kind === "telemetry").map((m) => m.body as Snapshot);
export const hellosOf = (ms: StreamMessage[]) => ms.filter((m) => m.kind === "hello").map((m) => m.body as Hello);
export const jobStatusesOf = (ms: StreamMessage[]) => ms.filter((m) => m.kind === "jobStatus").map((m) => m.body as JobStatus);
