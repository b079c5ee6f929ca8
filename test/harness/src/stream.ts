import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS } from "@meshfleet/shared";

/**
 * Creates the telemetry stream the way a controller would, for tests that run agents
 * without a controller. Idempotent.
 */
export async function createTelemetryStream(url: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.info(TELEMETRY_STREAM);
    } catch {
      await jsm.streams.add({ name: TELEMETRY_STREAM, subjects: [...TELEMETRY_STREAM_SUBJECTS] });
    }
  } finally {
    await nc.close();
  }
}
