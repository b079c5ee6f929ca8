import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Job, JobStatus, SystemFacts } from "@meshfleet/shared";
import { Agent, NatsPublisher, silentLog, type Collection, type PublishAck, type PublishOptions, type Publisher } from "@meshfleet/agent";
import { CommandUciBackend, FileUciBackend, UciFileRunner, type UciBackend } from "@meshfleet/uci";
import { brokerRoundTrip, createVerifier, FileJobStateStore, JobExecutor, systemJobClock } from "@meshfleet/agent/jobs";
import { FIREWALL, WIRELESS_1907, WIRELESS_2203 } from "../jobs-fleet";

/**
 * Real Agents with the job executor for fault tests against a controller running as its
 * own process: each node has its UCI root, its job state file, and a publisher that
 * records which messages the broker acknowledged (JetStream publish ack).
 */

/** A Publisher that remembers the msgId of every acknowledged publish, per subject kind. */
export class AckRecordingPublisher implements Publisher {
  /** `node:boot:seq` of every snapshot the broker acknowledged. */
  readonly ackedSnapshots = new Set<string>();
  /** Job statuses the broker acknowledged (parsed). */
  readonly ackedStatuses: JobStatus[] = [];

  constructor(readonly inner: NatsPublisher) {}

  get connected(): boolean {
    return this.inner.connected;
  }

  async publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<PublishAck | void> {
    const ack = await this.inner.publish(subject, data, opts);
    if (subject.startsWith("mf.tel.") && opts?.msgId) this.ackedSnapshots.add(opts.msgId);
    if (subject.startsWith("mf.jobstatus.") && opts?.msgId) this.ackedStatuses.push(JSON.parse(new TextDecoder().decode(data)) as JobStatus);
    return ack;
  }

  onConnect(listener: () => void): () => void {
    return this.inner.onConnect(listener);
  }

  subscribe(subject: string, handler: (data: Uint8Array) => void): () => void {
    return this.inner.subscribe(subject, handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface JobAgentNode {
  id: string;
  root: string;
  statePath: string;
  runner: UciFileRunner;
  backend: UciBackend;
  /** Every status the executor reported (before it is queued for the broker). */
  statuses: JobStatus[];
  /** Job deliveries the agent received. */
  deliveries: Job[];
  /** Mesh peers the verifier counts: a job asking for minMeshPeers waits while this is lower. */
  meshPeers: number;
  publisher: AckRecordingPublisher;
  agent: Agent;
  file(config: string): string;
  stop(): Promise<void>;
}

function collectFor(id: string, release: string): () => Promise<Collection> {
  const none = { data: null, errors: [], skipped: 0, durationMs: 0 };
  const system: SystemFacts = {
    hostname: id,
    board: { hostname: id, model: "Test Router", boardName: "test,router", kernel: null, system: null, release: { distribution: "OpenWrt", version: release, revision: null, target: null, description: null } },
    uptimeSec: 100,
    load: null,
    memory: null,
    addresses: [],
    delegatedPrefixes: [],
  };
  return () =>
    Promise.resolve({
      sections: { interfaces: none, stations: none, meshPaths: none, routing: none, counters: none, system: { ...none, data: system }, wireless: none },
      links: [],
    });
}

/**
 * Starts a real Agent for node `id` under `dir` (UCI root `<dir>/<id>/etc/config` with the
 * wireless and firewall fixtures). Odd indexes run 19.07 through the file backend, even
 * ones 23.05 through `uci batch` over the uci emulator.
 */
export function startJobAgent(dir: string, id: string, index: number, natsUrl: string, opts: { intervalMs: number; meshPeers: number }): JobAgentNode {
  const root = join(dir, id, "etc", "config");
  mkdirSync(root, { recursive: true });
  const old = index % 2 === 1;
  writeFileSync(join(root, "wireless"), old ? WIRELESS_1907 : WIRELESS_2203);
  writeFileSync(join(root, "firewall"), FIREWALL);
  const files = new FileUciBackend(root);
  const runner = new UciFileRunner(files);
  const backend: UciBackend = old ? files : new CommandUciBackend(runner, { mode: "batch" });
  const publisher = new AckRecordingPublisher(new NatsPublisher({ servers: [natsUrl], reconnectWaitMs: 200, name: `agent ${id}` }));
  const statePath = join(dir, id, "jobs.json");
  const node = { id, root, statePath, runner, backend, statuses: [] as JobStatus[], deliveries: [] as Job[], meshPeers: opts.meshPeers, publisher } as JobAgentNode;
  const executor = new JobExecutor({
    backend,
    runner,
    store: new FileJobStateStore(statePath),
    clock: systemJobClock,
    verifyPollMs: 200,
    verifier: createVerifier({
      clock: systemJobClock,
      roundTrip: brokerRoundTrip(publisher, systemJobClock),
      countPeers: () => Promise.resolve({ meshPeers: node.meshPeers, neighbors: node.meshPeers }),
    }),
  });
  node.agent = new Agent({
    nodeId: id,
    runner,
    log: silentLog,
    publisher,
    intervalMs: opts.intervalMs,
    bufferSize: 1000,
    mode: "simulated",
    agentVersion: "0.1.0-test",
    collect: collectFor(id, old ? "19.07.10" : "23.05.3"),
    jobHandler: {
      handle: (job, report) => {
        node.deliveries.push(job);
        return executor.handle(job, (s) => {
          node.statuses.push(s);
          return report(s);
        });
      },
    },
  });
  node.file = (config) => readFileSync(join(root, config), "utf8");
  node.stop = async () => {
    await node.agent.stop();
    await publisher.close();
  };
  node.agent.start();
  return node;
}
