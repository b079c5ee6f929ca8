import { afterAll, describe, expect, it } from "vitest";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { subjects, partitioned, TELEMETRY_STREAM } from "@meshfleet/shared";
import { partitionOf } from "@meshfleet/controller";
import { startBroker, type Broker } from "../security/broker";

/**
 * Several controllers behind the per-node accounts `nats-config` writes: with partitions,
 * a node still publishes `mf.tel.<node>` in its own account and the stream stores it
 * under its partition's subject, which a partition's consumer reads.
 */
describe("per-node accounts with partitions", () => {
  let broker: Broker | null = null;
  afterAll(async () => {
    await broker?.dispose();
  });

  it("stores a node's telemetry and hello under its partition, acknowledged to the node", async () => {
    const nodes = ["node-1", "node-2", "node-3", "node-4", "node-5"];
    broker = await startBroker(nodes, { partitions: 4, ingest: { partitions: 4 } });
    for (const node of nodes) {
      const js = jetstream(await broker.asNode(node));
      const ack = await js.publish(subjects.telemetry(node), JSON.stringify({ probe: node }));
      expect(ack.stream).toBe(TELEMETRY_STREAM);
      await js.publish(subjects.hello(node), JSON.stringify({ probe: node }));
    }
    const jsm = await jetstreamManager(broker.controller);
    for (const node of nodes) {
      const p = partitionOf(node, 4);
      const tel = await jsm.streams.getMessage(TELEMETRY_STREAM, { last_by_subj: partitioned.telemetry(p, node) });
      expect([node, tel?.string()]).toEqual([node, JSON.stringify({ probe: node })]);
      expect(await jsm.streams.getMessage(TELEMETRY_STREAM, { last_by_subj: partitioned.hello(p, node) })).not.toBeNull();
    }
  });
});
