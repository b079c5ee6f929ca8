import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { TELEMETRY_STREAM, WIRE_ENCODINGS, WIRE_HEADERS, expandDelta, inflateText, parseSubject, readDelta, type Hello, type JobStatus, type Json, type Snapshot } from "@meshfleet/shared";

/** Test support: everything in the telemetry stream, in stream order, decoded (keyframes and deltas included). */
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
    const keyframes = new Map<number, Json>();
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(TELEMETRY_STREAM, { seq });
      if (!m) continue;
      const s = parseSubject(m.subject);
      if (!s || (s.kind !== "telemetry" && s.kind !== "hello" && s.kind !== "jobStatus")) continue;
      const enc = m.header?.get(WIRE_HEADERS.encoding) ?? "";
      let body: unknown;
      if (enc === WIRE_ENCODINGS.deflate) {
        body = JSON.parse(inflateText(m.data, 1 << 22));
        keyframes.set(seq, body as Json);
      } else if (enc === WIRE_ENCODINGS.deltaDeflate) {
        const base = keyframes.get(Number(m.header.get(WIRE_HEADERS.base)));
        if (base === undefined) throw new Error(`stream seq ${seq}: a delta whose keyframe is not in the stream`);
        body = expandDelta(base, readDelta(m.data, 1 << 22));
      } else body = m.json();
      out.push({ streamSeq: seq, kind: s.kind, node: s.node, body });
    }
    return out;
  } finally {
    await nc.close();
  }
}

export const snapshotsOf = (ms: StreamMessage[]) => ms.filter((m) => m.kind === "telemetry").map((m) => m.body as Snapshot);
export const hellosOf = (ms: StreamMessage[]) => ms.filter((m) => m.kind === "hello").map((m) => m.body as Hello);
export const jobStatusesOf = (ms: StreamMessage[]) => ms.filter((m) => m.kind === "jobStatus").map((m) => m.body as JobStatus);
