import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { NatsPublisher, createLogger } from "@meshfleet/agent";
import { SimFleet } from "../fleet";
import { DEMO_SCENARIO, type Scenario } from "../scenario";
import { World } from "../world";
import { Controller, createToken, modules, openStore, secretMaskingPinoOptions, systemClock, type DetectionModuleOptions } from "@meshfleet/controller";
import { pickPort, startBroker, type DemoBroker } from "./broker";
import { ensureNatsServer } from "./nats-binary";
import { fitScenario } from "./fit-scenario";

export interface DemoOptions {
  /** Where the SQLite file, the broker's store and the routers' UCI files live. */
  dataDir: string;
  /** Use this broker instead of starting one. */
  natsUrl?: string;
  /** HTTP port (default 8080; a free one when busy). */
  port?: number;
  /** Simulated routers (default 7, the demo scenario's). */
  nodes?: number;
  /** Collection interval of the simulated agents (default 5 s). */
  intervalMs?: number;
  /** Churn half-life (default 60 s, so the demo's flapping alert resolves within minutes). */
  halfLifeMs?: number;
  scenario?: Scenario;
  seed?: number;
  /** Progress lines (default: stdout). */
  say?: (line: string) => void;
  logLevel?: "debug" | "info" | "warn" | "error" | "silent";
}

export interface RunningDemo {
  url: string;
  /** Admin bearer token for the dashboard and API. */
  token: string;
  natsUrl: string;
  controller: Controller;
  stop(): Promise<void>;
}

/**
 * The demo: a nats-server (or a given broker), the controller on a SQLite file, and a
 * simulated mesh whose scenario makes things happen within minutes (a link degrades and a
 * path goes relayed and back, a route flaps and raises then resolves an alert, stations
 * roam, a node reboots). Everything it starts, stop() stops.
 */
export async function startDemo(o: DemoOptions): Promise<RunningDemo> {
  const say = o.say ?? ((l: string) => process.stdout.write(`${l}\n`));
  const dataDir = resolve(o.dataDir);
  mkdirSync(join(dataDir, "routers"), { recursive: true });
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) {
      try {
        await s();
      } catch {
        // keep stopping the rest
      }
    }
  };
  try {
    let natsUrl = o.natsUrl;
    if (!natsUrl) {
      const broker: DemoBroker = await startBroker(ensureNatsServer(say), join(dataDir, "nats"));
      stops.push(() => broker.stop());
      natsUrl = broker.url;
      say(`nats-server with JetStream on ${natsUrl}`);
    }
    const clock = systemClock;
    const log = pino({ name: "meshfleet-controller", level: o.logLevel ?? "warn", ...secretMaskingPinoOptions });
    const store = openStore({ file: join(dataDir, "meshfleet.sqlite"), clock });
    stops.push(() => store.close());
    const nc: NatsConnection = await connect({ servers: natsUrl, name: "meshfleet-controller (demo)", maxReconnectAttempts: -1 });
    stops.push(() => nc.drain());
    const intervalMs = o.intervalMs ?? 5000;
    const alerting: DetectionModuleOptions = {
      // Demo time is compressed: a link degraded for 30 s (not 60 s) is reported, so the scripted one shows within its minute.
      config: { churn: { halfLifeMs: o.halfLifeMs ?? 60_000 }, convergence: { quietMs: Math.max(3 * intervalMs, 10_000), slowMs: 60_000 }, linkHealth: { toleranceMs: 30_000 } },
      tickMs: Math.min(2000, intervalMs),
    };
    const port = await pickPort(o.port ?? 8080);
    const controller = new Controller({ nc, store, clock, log, listen: { host: "127.0.0.1", port }, modules: modules(alerting, { keysDir: join(dataDir, "keys") }), auth: "tokens" });
    await controller.start();
    stops.push(() => controller.stop());
    const token = (await createToken(store, { role: "admin", name: `demo ${new Date(clock.now()).toISOString()}` }, clock.now())).token;
    const addr = controller.address ?? { host: "127.0.0.1", port };
    const url = `http://${addr.host}:${addr.port}/`;

    const scenario = o.scenario ?? DEMO_SCENARIO;
    const world = new World({
      seed: o.seed ?? scenario.seed ?? 1,
      nodes: o.nodes ?? scenario.nodes ?? 7,
      routing: scenario.routing ?? "babel",
      stationsPerNode: 4,
      startMs: clock.now(),
      configRoot: join(dataDir, "routers"),
    });
    // The scenario was written for its own fleet size: fit it to the nodes this world has.
    const fitted = fitScenario(scenario, {
      nodeIds: () => world.nodeIds(),
      links: () => world.model.links.map((l) => [world.model.nodes[l.a]!.id, world.model.nodes[l.b]!.id] as [string, string]),
    });
    for (const n of fitted.notes) say(`  [sim] scenario: ${n}`);
    world.schedule(...fitted.events);
    const agentLog = createLogger({ level: "error", write: () => {} });
    const publisher = new NatsPublisher({ servers: [natsUrl], name: "meshfleet-agent simulate (demo)", log: agentLog });
    stops.push(() => publisher.close());
    const fleet = new SimFleet({ world, publisher, intervalMs, log: agentLog, agentVersion: "0.1.0", jobs: true });
    world.onEvent((e) => say(`  [sim] ${e.type}${"node" in e ? ` ${String(e.node)}` : ""}`));
    fleet.start();
    stops.push(() => fleet.stop());
    say(`simulated mesh: ${world.model.nodes.length} routers (${scenario.name}), one agent each, every ${intervalMs / 1000} s`);
    return { url: `${url}?token=${encodeURIComponent(token)}`, token, natsUrl, controller, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
