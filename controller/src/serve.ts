// `meshfleet-controller serve`: the real controller (NATS, the store, pino, the feature
// modules). Loaded by the command line only when `serve` runs.
import { hostname } from "node:os";
import { pino } from "pino";
import { connectControllerNats } from "./nats-connect";
import { openAnyStore, redactUrl, Store, systemClock } from "./store/index";
import { Controller, type ControllerModule } from "./controller";
import { jobsModule } from "./jobs/module";
import { detectionModule, type DetectionModuleOptions } from "./detect/module";
import { clientsModule } from "./clients/module";
import { dashboardModule } from "./dashboard/module";
import { adminModule, type AdminOptions } from "./admin/index";
import { diagModule } from "./diag/module";
import { clusterModule } from "./cluster/module";
import { loadAlertingFile } from "./detect/config-file";
import type { ServeOptions } from "./cli/serve-options";
import { secretMaskingPinoOptions, type Logger } from "./log";
import { DEFAULT_CLOCK_SKEW } from "./ingest/clock-skew";

/** Feature modules plugged into the controller (detection, clients, jobs, ... add one line each); the demo uses the same list. */
export function modules(alerting: DetectionModuleOptions = {}, admin: AdminOptions = {}): ControllerModule[] {
  return [jobsModule(), detectionModule(alerting), clientsModule(), dashboardModule(), adminModule(admin), diagModule(), clusterModule()];
}

/** Builds the real controller (NATS, the store `--db` names, pino, system clock) and runs it until SIGINT/SIGTERM. */
export async function runServe(o: ServeOptions): Promise<void> {
  const log: Logger = pino({ name: "meshfleet-controller", level: o.logLevel, ...secretMaskingPinoOptions });
  const alerting = o.alerting ? loadAlertingFile(o.alerting) : {};
  const clock = systemClock;
  const store = await openAnyStore(o.db, {
    clock,
    retention: { rawMs: o.rawRetention, minuteMs: o.minuteRetention, quarterMs: o.quarterRetention, hourMs: o.hourRetention },
    synchronous: o.synchronous,
  });
  const nc = await connectControllerNats({ servers: o.nats, nkeySeedFile: o.nkeySeed, tls: { caFile: o.tlsCa, certFile: o.tlsCert, keyFile: o.tlsKey } });
  const controller = new Controller({
    nc,
    store,
    clock,
    log,
    listen: o.listen,
    modules: modules(alerting, { keysDir: o.keys, ...(o.natsConfig && o.natsPidFile ? { broker: { configFile: o.natsConfig, pidFile: o.natsPidFile } } : {}) }),
    auth: "tokens",
    ...(o.clusterPartitions ? { cluster: { id: o.controllerId ?? defaultControllerId(), partitions: o.clusterPartitions, leaseTtlMs: o.leaseTtl } } : {}),
    ingest: { batchMax: o.batch, commitWindowMs: o.commitWindow, durableEveryMs: o.durableEvery, ackWaitMs: o.ackWait, streamMaxAgeMs: o.streamMaxAge, streamMaxBytes: o.streamMaxBytes, replicas: o.streamReplicas, sites: o.sites, nodeRate: o.nodeRate > 0 ? { perSecond: o.nodeRate, burst: o.nodeBurst } : null, clockSkew: o.clockSkew > 0 ? { ...DEFAULT_CLOCK_SKEW, thresholdMs: o.clockSkew } : null },
  });
  await controller.start();
  log.info({ db: store.dialect === "postgres" ? redactUrl(o.db) : o.db, store: store.dialect, nats: o.nats, listen: controller.address }, "controller started");
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
  log.info({}, "stopping");
  await controller.stop();
  await nc.drain();
  if (store instanceof Store) store.checkpoint();
  await store.close();
}

/** `<host>-<pid>` as a node-id-like token. */
function defaultControllerId(): string {
  const host = hostname().toLowerCase().replace(/[^a-z0-9_-]/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 40) || "controller";
  return `${host}-${process.pid}`;
}
