import { Agent, NatsPublisher, silentLog, type CommandResult, type CommandRunner, type NatsPublisherOptions, type RunOptions } from "@meshfleet/agent";
import { World } from "@meshfleet/sim";
import { openStore, systemClock } from "@meshfleet/controller";
import type { WireMode } from "@meshfleet/shared";
import { AckRecordingPublisher } from "./job-agents";

/**
 * Real Agents over the simulated mesh (the real collectors and parsers on simulated
 * router output), each with its own NATS connection and outage buffer, as a fleet of
 * routers would be. World time follows the wall clock.
 */

export interface SimAgent {
  id: string;
  agent: Agent;
  publisher: AckRecordingPublisher;
}

export interface SimAgents {
  agents: SimAgent[];
  /** Stops every agent (each tries a last drain) and closes its connection. */
  stop(): Promise<void>;
}

export function startSimAgents(
  natsUrl: string | readonly string[],
  opts: { count: number; intervalMs: number; bufferSize: number; seed: number; publishTimeoutMs?: number; wire?: WireMode; publisher?: (id: string) => Partial<NatsPublisherOptions> },
): SimAgents {
  const world = new World({ seed: opts.seed, nodes: opts.count, routing: "babel", startMs: Date.now() });
  const agents = world.nodeIds().map((id): SimAgent => {
    const inner = world.runnerFor(id);
    const runner: CommandRunner = {
      description: inner.description,
      run(argv: readonly string[], o?: RunOptions): Promise<CommandResult> {
        world.at(Date.now());
        return inner.run(argv, o);
      },
    };
    const publisher = new AckRecordingPublisher(new NatsPublisher({ servers: typeof natsUrl === "string" ? [natsUrl] : natsUrl, reconnectWaitMs: 100, name: `agent ${id}`, ...opts.publisher?.(id) }));
    const agent = new Agent({
      nodeId: id,
      runner,
      log: silentLog,
      publisher,
      intervalMs: opts.intervalMs,
      bufferSize: opts.bufferSize,
      mode: "simulated",
      routing: "bird2",
      agentVersion: "0.1.0-test",
      ...(opts.publishTimeoutMs !== undefined ? { publishTimeoutMs: opts.publishTimeoutMs } : {}),
      ...(opts.wire !== undefined ? { wire: opts.wire, keyframeEvery: 8 } : {}),
    });
    agent.start();
    return { id, agent, publisher };
  });
  return {
    agents,
    async stop() {
      await Promise.all(agents.map((a) => a.agent.stop()));
      await Promise.all(agents.map((a) => a.publisher.close()));
    },
  };
}

/** One stored snapshot row, as the controller wrote it. */
export interface StoredRow {
  /** raw_snapshots id: the order the controller stored rows in. */
  id: number;
  boot: string;
  seq: number;
  /** The snapshot's `dropped` field (the seq gap before it). */
  dropped: number;
}

/** Every stored snapshot of each node, in the order the controller stored them; and each node's dropped_total. */
export async function readStored(db: string, nodes: readonly string[]): Promise<Map<string, { rows: StoredRow[]; droppedTotal: number | null }>> {
  const store = openStore({ file: db, clock: systemClock });
  try {
    const out = new Map<string, { rows: StoredRow[]; droppedTotal: number | null }>();
    for (const node of nodes) {
      const rows = (await store.telemetry.range(node, 0, Number.MAX_SAFE_INTEGER)).map((r) => ({ id: r.id, boot: r.boot, seq: r.seq, dropped: r.data.dr }));
      rows.sort((a, b) => a.id - b.id);
      out.set(node, { rows, droppedTotal: (await store.telemetry.stateOf(node))?.droppedTotal ?? null });
    }
    return out;
  } finally {
    store.close();
  }
}
