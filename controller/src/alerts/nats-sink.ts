import type { NatsConnection } from "@nats-io/transport-node";
import { subjects, type Alert } from "@meshfleet/shared";
import type { AlertSink } from "./types";

/** Publishes every alert change on `subjects.alert(code)` (core NATS, the shared `alert` schema as JSON). */
export class NatsAlertSink implements AlertSink {
  readonly name = "nats";
  constructor(private readonly nc: NatsConnection) {}

  deliver(alert: Alert): Promise<void> {
    this.nc.publish(subjects.alert(alert.code), JSON.stringify(alert));
    return Promise.resolve();
  }
}
