import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, tempDir, type RunningNatsServer } from "@meshfleet/testkit";
import type { Job, JobStatus, SystemFacts, WirelessConfig } from "@meshfleet/shared";
import { Agent, NatsPublisher, silentLog, type Collection } from "@meshfleet/agent";
import { wirelessConfigFromStatus } from "@meshfleet/agent/parsers";
import { CommandUciBackend, FileUciBackend, parseUciFile, UciFileRunner, wirelessStatusFromUci, type UciBackend } from "@meshfleet/uci";
import { brokerRoundTrip, createVerifier, JobExecutor, FileJobStateStore, systemJobClock } from "@meshfleet/agent/jobs";
import { Controller, jobsModule, openStore, silentLogger, systemClock, type Store } from "@meshfleet/controller";
import { repoRoot } from "./controller-helpers";

/**
 * A fleet for job tests: a real nats-server, the controller in-process (real SQLite,
 * real HTTP), and real Agents, each with its own UCI root (`<dir>/<node>/etc/config`).
 * Odd nodes run OpenWrt 19.07 (hwmode), even ones 23.05 (band). Half of them apply
 * through the FileUciBackend, the other half through the CommandUciBackend (uci batch)
 * over the uci emulator, so both paths the agent has are exercised.
 */

export const fixture = (name: string) => readFileSync(join(repoRoot, "uci/fixtures", name), "utf8");
/** 19.07 wireless with the fleet's SSID; 22.03 fixture already has it. */
export const WIRELESS_1907 = fixture("wireless-19.07.conf").replaceAll("'OpenWrt'", "'HomeNet'");
export const WIRELESS_2203 = fixture("wireless-22.03.conf");
export const FIREWALL = fixture("firewall-22.03.conf");

export interface FleetNode {
  id: string;
  release: string;
  root: string;
  backend: UciBackend;
  runner: UciFileRunner;
  statePath: string;
  /** Every status the executor reported, in order. */
  statuses: JobStatus[];
  /** Job deliveries the agent handled (attempts). */
  deliveries: Job[];
  agent: Agent | null;
  publisher: NatsPublisher | null;
  /** Mesh peers the verifier counts (0: no mesh in this test). */
  meshPeers: number;
}

export interface Fleet {
  srv: RunningNatsServer;
  nc: NatsConnection;
  store: Store;
  controller: Controller;
  service: ReturnType<ReturnType<typeof jobsModule>["service"]>;
  api: string;
  nodes: Map<string, FleetNode>;
  dir: string;
  startAgent(id: string): void;
  /** Stops the controller (HTTP, ingest, job service) and starts a new one on the same database. */
  restartController(): Promise<void>;
  stopAgent(id: string): Promise<void>;
  file(id: string, config: string): string;
  dispose(): Promise<void>;
}

function collectFor(n: FleetNode): () => Promise<Collection> {
  const none = { data: null, errors: [], skipped: 0, durationMs: 0 };
  return async () => {
    const text = await n.backend.read("wireless");
    const wireless: WirelessConfig | null = text === null ? null : wirelessConfigFromStatus(wirelessStatusFromUci(parseUciFile(text)));
    const system: SystemFacts = {
      hostname: n.id,
      board: { hostname: n.id, model: "Test Router", boardName: "test,router", kernel: null, system: null, release: { distribution: "OpenWrt", version: n.release, revision: null, target: null, description: null } },
      uptimeSec: 100,
      load: null,
      memory: null,
      addresses: [],
      delegatedPrefixes: [],
    };
    return {
      sections: {
        interfaces: none,
        stations: none,
        meshPaths: none,
        routing: none,
        counters: none,
        system: { ...none, data: system },
        wireless: { ...none, data: wireless },
      },
      links: [],
    };
  };
}

export async function startFleet(count: number, opts: { intervalMs?: number } = {}): Promise<Fleet> {
  const tmp = tempDir("mf-jobs-e2e-");
  const srv = await startNatsServer();
  const nc = await connect({ servers: srv.url });
  const store = openStore({ file: join(tmp.path, "controller.sqlite"), clock: systemClock });
  const makeController = async () => {
    const jobs = jobsModule({ tickMs: 200 });
    const controller = new Controller({ nc, store, clock: systemClock, log: silentLogger, listen: { host: "127.0.0.1", port: 0 }, modules: [jobs] });
    await controller.start();
    return { controller, service: jobs.service() };
  };
  const { controller, service } = await makeController();
  const nodes = new Map<string, FleetNode>();
  for (let i = 1; i <= count; i++) {
    const id = `n${String(i).padStart(2, "0")}`;
    const root = join(tmp.path, id, "etc", "config");
    mkdirSync(root, { recursive: true });
    const old = i % 2 === 1;
    writeFileSync(join(root, "wireless"), old ? WIRELESS_1907 : WIRELESS_2203);
    writeFileSync(join(root, "firewall"), FIREWALL);
    const files = new FileUciBackend(root);
    const runner = new UciFileRunner(files);
    const backend = i <= count / 2 ? files : new CommandUciBackend(runner, { mode: "batch" });
    nodes.set(id, { id, release: old ? "19.07.10" : "23.05.3", root, backend, runner, statePath: join(tmp.path, id, "jobs.json"), statuses: [], deliveries: [], agent: null, publisher: null, meshPeers: 0 });
  }
  const fleet: Fleet = {
    srv,
    nc,
    store,
    controller,
    service,
    api: `http://127.0.0.1:${controller.address!.port}`,
    nodes,
    dir: tmp.path,
    file: (id, config) => readFileSync(join(nodes.get(id)!.root, config), "utf8"),
    startAgent(id) {
      const n = nodes.get(id)!;
      const publisher = new NatsPublisher({ servers: [srv.url], reconnectWaitMs: 200, name: `agent ${id}` });
      const executor = new JobExecutor({
        backend: n.backend,
        runner: n.runner,
        store: new FileJobStateStore(n.statePath),
        clock: systemJobClock,
        verifyPollMs: 200,
        verifier: createVerifier({
          clock: systemJobClock,
          roundTrip: brokerRoundTrip(publisher, systemJobClock),
          countPeers: () => Promise.resolve({ meshPeers: n.meshPeers, neighbors: n.meshPeers }),
        }),
      });
      const agent = new Agent({
        nodeId: id,
        runner: n.runner,
        log: silentLog,
        publisher,
        intervalMs: opts.intervalMs ?? 500,
        bufferSize: 100,
        mode: "simulated",
        agentVersion: "0.1.0-test",
        collect: collectFor(n),
        jobHandler: {
          handle: (job, report) => {
            n.deliveries.push(job);
            return executor.handle(job, (s) => {
              n.statuses.push(s);
              return report(s);
            });
          },
        },
      });
      n.agent = agent;
      n.publisher = publisher;
      agent.start();
    },
    async restartController() {
      await fleet.controller.stop();
      const next = await makeController();
      fleet.controller = next.controller;
      fleet.service = next.service;
      fleet.api = `http://127.0.0.1:${next.controller.address!.port}`;
    },
    async stopAgent(id) {
      const n = nodes.get(id)!;
      await n.agent?.stop();
      await n.publisher?.close();
      n.agent = null;
      n.publisher = null;
    },
    async dispose() {
      for (const id of nodes.keys()) await fleet.stopAgent(id).catch(() => undefined);
      await fleet.controller.stop().catch(() => undefined);
      await nc.close().catch(() => undefined);
      store.close();
      await srv.dispose();
      tmp.cleanup();
    },
  };
  return fleet;
}

/** fetch + JSON for the jobs API. */
export async function api(fleet: Fleet, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; body: any }> {
  const r = await fetch(`${fleet.api}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
  const text = await r.text();
  return { status: r.status, text, body: JSON.parse(text) };
}
