import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Agent, LocalRunner, NatsPublisher, PrefixedRunner, silentLog } from "@meshfleet/agent";
import { Controller, detectionModule, openStore, silentLogger, systemClock, type Store } from "@meshfleet/controller";
import { startNatsServer, tempDir, type RunningNatsServer } from "@meshfleet/testkit";
import { LabObserver } from "./recorder";
import type { RoutingLab } from "./routing-lab";

type DetectionModule = ReturnType<typeof detectionModule>;

export interface LabStack {
  nats: RunningNatsServer;
  nc: NatsConnection;
  store: Store;
  controller: Controller;
  detection: DetectionModule;
  agents: Agent[];
  /** The agents' daemon reads and cycles, as they happened. */
  observer: LabObserver;
  /** Per node, the stamp of the latest snapshot the controller committed (handed to detection). */
  committed: Map<string, number>;
  /** The controller's HTTP API base URL. */
  url: string;
  /** GET a JSON document from the controller's API. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Agents' snapshot interval (ms). */
  intervalMs: number;
  detection: Parameters<typeof detectionModule>[0];
}

/**
 * A real nats-server, the controller in-process (real SQLite file, detection module, HTTP
 * API on a free port) and one agent per lab namespace reading its daemon (`birdc -s`,
 * `birdc6 -s`, babeld's socket), `nft` and `ip` through the prefixed runner (`ip netns exec mflab-… …`).
 */
export async function startStack(lab: RoutingLab, o: StackOptions): Promise<LabStack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // keep cleaning up
      }
    }
    cleanups.length = 0;
  };
  try {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const dir = tempDir("mflab-db-");
    cleanups.push(() => dir.cleanup());
    const store = openStore({ file: `${dir.path}/controller.sqlite`, clock: systemClock });
    cleanups.push(() => store.close());
    const nc = await connect({ servers: nats.url, name: "mflab-controller" });
    cleanups.push(() => nc.close());
    const detection = detectionModule(o.detection);
    const controller = new Controller({ nc, store, clock: systemClock, log: silentLogger, listen: { host: "127.0.0.1", port: 0 }, modules: [detection], ingest: { batchMax: 50 } });
    await controller.start();
    cleanups.push(() => controller.stop());
    // The latest snapshot per node the ingest committed (detection handles it asynchronously: see caughtUp).
    const committed = new Map<string, number>();
    cleanups.push(
      controller.ingest.onCommitted((items) => {
        for (const it of items) if (it.kind === "snapshot") committed.set(it.msg.node, Math.max(committed.get(it.msg.node) ?? 0, it.msg.ts));
      }),
    );
    const url = `http://127.0.0.1:${controller.address!.port}`;
    const agents: Agent[] = [];
    const observer = new LabObserver();
    for (const n of lab.nodes) {
      const d = lab.o.daemon.agent(n);
      const runner = observer.runner(n.id, new PrefixedRunner(new LocalRunner({ timeoutMs: 3000 }), { prefix: ["ip", "netns", "exec", n.ns], programs: d.programs }));
      const publisher = new NatsPublisher({ servers: [nats.url], name: `mflab-agent ${n.id}`, reconnectWaitMs: 200, publishTimeoutMs: 3000 });
      cleanups.push(() => publisher.close());
      const agent = new Agent({ nodeId: n.id, runner, log: silentLog, publisher, intervalMs: o.intervalMs, bufferSize: 500, mode: "prefixed", routing: lab.o.daemon.routing, ...(d.babeldDumpArgv ? { babeldDumpArgv: d.babeldDumpArgv } : {}), agentVersion: "lab", commandTimeoutMs: 3000, collect: observer.collect(n.id) });
      agents.push(agent);
      cleanups.push(() => agent.stop());
      agent.start();
    }
    const api = async <T>(path: string): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        let r: Response;
        try {
          r = await fetch(`${url}${path}`);
        } catch (err) {
          // A kept-alive connection the server just closed (ECONNRESET): ask again on a new one.
          if (attempt < 3) continue;
          throw err;
        }
        if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status} ${await r.text()}`);
        return (await r.json()) as T;
      }
    };
    return { nats, nc, store, controller, detection, agents, observer, committed, url, api, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
