import { connect, type ConnectionOptions } from "@nats-io/transport-node";
import { StorageType, jetstreamManager } from "@nats-io/jetstream";
import { freePort, startNatsServer, type RunningNatsServer } from "./nats-server";
import { waitFor } from "./wait";

export interface ClusterMemberPorts {
  name: string;
  clientPort: number;
  clusterPort: number;
  /** A port for leaf node connections (used only if the configuration listens on it). */
  leafPort: number;
}

export interface RunningNatsCluster {
  readonly members: readonly ClusterMemberPorts[];
  readonly servers: readonly RunningNatsServer[];
  /** Client URLs of every member, in member order. */
  readonly urls: readonly string[];
  /** The running server named `name`. */
  server(name: string): RunningNatsServer;
  /** Stops every member and removes their temp dirs. */
  dispose(): Promise<void>;
}

export interface NatsClusterOptions {
  /** Members (default 3), named n1, n2, ... */
  size?: number;
  /** Each member's whole configuration, given its ports, every member's ports and its own store dir. */
  config: (self: ClusterMemberPorts, all: readonly ClusterMemberPorts[], storeDir: string) => string;
  /** Connection options for the readiness check (credentials when the configuration requires them). */
  connect?: Partial<ConnectionOptions>;
}

/**
 * Starts a real nats-server cluster on loopback ports (each member in its own temp dir)
 * and waits until a stream with one replica per member can be placed (a meta leader is
 * elected and every member has reported to it).
 */
export async function startNatsCluster(opts: NatsClusterOptions): Promise<RunningNatsCluster> {
  const members: ClusterMemberPorts[] = [];
  for (let i = 1; i <= (opts.size ?? 3); i++) members.push({ name: `n${i}`, clientPort: await freePort(), clusterPort: await freePort(), leafPort: await freePort() });
  const servers: RunningNatsServer[] = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.dispose()));
  };
  try {
    for (const m of members) servers.push(await startNatsServer({ port: m.clientPort, fullConfig: ({ storeDir }) => opts.config(m, members, storeDir) }));
    const urls = servers.map((s) => s.url);
    await waitFor(
      async () => {
        const nc = await connect({ servers: [...urls], timeout: 2000, ...opts.connect });
        try {
          // Every member able to hold a replica: a stream placed on all of them, then removed.
          const jsm = await jetstreamManager(nc, { timeout: 2000 });
          await jsm.streams.add({ name: "TESTKIT_READY", subjects: ["_testkit.ready"], storage: StorageType.Memory, num_replicas: members.length });
          await jsm.streams.delete("TESTKIT_READY");
          return true;
        } finally {
          await nc.close();
        }
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "the cluster's JetStream" },
    );
    return {
      members,
      servers,
      urls,
      server: (name) => {
        const i = members.findIndex((m) => m.name === name);
        if (i < 0) throw new Error(`no cluster member ${name}`);
        return servers[i]!;
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
