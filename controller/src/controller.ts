import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Clock, StoreApi } from "./store/index";
import type { Logger } from "./log";
import type { LinkHealthInfo } from "./http/deps";
import { Registry } from "./metrics/registry";
import { registerFleetMetrics } from "./metrics/fleet";
import { registerWorkMetrics } from "./metrics/work";
import { DEFAULT_DURABLE, Ingest, type IngestOptions } from "./ingest/ingest";
import { ingestMetrics } from "./ingest/metrics";
import { createApi } from "./api/app";
import type { ApiDeps } from "./http/deps";
import { ClusterMembership, type ClusterDutyListener, type ClusterOptions } from "./cluster/cluster";

/**
 * A feature that plugs into the controller (detection, alerts, jobs, ...): it gets the
 * controller's parts, may subscribe to the ingest, may serve routes under /api.
 */
export interface ControllerModule {
  readonly name: string;
  /** Route module mounted under /api. */
  routes?(deps: ApiDeps): Hono;
  /** Route module mounted at / (static files). */
  rootRoutes?(deps: ApiDeps): Hono;
  /** Called before the ingest starts (subscribe to `controller.ingest` here). */
  start?(controller: Controller): void | Promise<void>;
  stop?(): void | Promise<void>;
  /** Open alerts per node (the alerts module provides it). */
  openAlertCounts?(): ReadonlyMap<string, number>;
  /** Several controllers: what the module does when this controller gains or loses a duty. */
  cluster?: ClusterDutyListener;
  /** Mesh link health by link subject (the detection module provides it). */
  linkHealth?(): ReadonlyMap<string, LinkHealthInfo>;
}

export interface ControllerOptions {
  nc: NatsConnection;
  store: StoreApi;
  clock: Clock;
  log: Logger;
  /** HTTP listen address; port 0 picks a free port. Omit to serve no HTTP. */
  listen?: { host: string; port: number };
  modules?: readonly ControllerModule[];
  ingest?: Partial<Omit<IngestOptions, "nc" | "store" | "clock" | "log" | "metrics">>;
  /** How often rollups and retention run (default 30 s). */
  maintenanceIntervalMs?: number;
  offlineAfterIntervals?: number;
  /** API access control (default off; `serve` turns tokens on). */
  auth?: "tokens" | "off";
  /** Several controllers sharing the store and the stream (issue 18); none: this one does everything. */
  cluster?: ClusterOptions;
}

/** Composes NATS + store + ingest + API + HTTP server. Everything is injected; `main.ts` builds the real parts. */
export class Controller {
  readonly registry = new Registry();
  readonly ingest: Ingest;
  readonly api: Hono;
  readonly store: StoreApi;
  /** This controller's share of the work when several run (null: it does everything). */
  readonly cluster: ClusterMembership | null;
  private server: ReturnType<typeof createAdaptorServer> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private maintaining: Promise<void> | null = null;
  private addr: { host: string; port: number } | null = null;

  constructor(private readonly o: ControllerOptions) {
    this.store = o.store;
    this.ingest = new Ingest({ nc: o.nc, store: o.store, clock: o.clock, log: o.log, metrics: ingestMetrics(this.registry), ...o.ingest, ...(o.cluster ? { partitions: o.cluster.partitions } : {}) });
    this.cluster = o.cluster
      ? new ClusterMembership({ ...o.cluster, nc: o.nc, ingest: this.ingest, durable: o.ingest?.durable ?? DEFAULT_DURABLE, log: o.log, listeners: (o.modules ?? []).flatMap((m) => (m.cluster ? [m.cluster] : [])) })
      : null;
    registerFleetMetrics(this.registry, o.store, o.clock, { offlineAfterIntervals: o.offlineAfterIntervals });
    registerWorkMetrics(this.registry, o.store);
    this.registry.processMetrics();
    const modules = o.modules ?? [];
    const alertModule = modules.find((m) => m.openAlertCounts);
    const deps: ApiDeps = {
      store: o.store,
      clock: o.clock,
      log: o.log,
      registry: this.registry,
      ingest: this.ingest,
      natsConnected: () => !o.nc.isClosed(),
      openAlertCounts: alertModule ? () => alertModule.openAlertCounts!() : undefined,
      linkHealth: alertModule?.linkHealth ? () => alertModule.linkHealth!() : undefined,
      offlineAfterIntervals: o.offlineAfterIntervals,
      auth: o.auth ?? "off",
    };
    deps.routes = modules.flatMap((m) => (m.routes ? [m.routes(deps)] : []));
    deps.rootRoutes = modules.flatMap((m) => (m.rootRoutes ? [m.rootRoutes(deps)] : []));
    this.api = createApi(deps);
  }

  get nc(): NatsConnection {
    return this.o.nc;
  }

  /** The HTTP address actually bound (after start). */
  get address(): { host: string; port: number } | null {
    return this.addr;
  }

  async start(): Promise<void> {
    for (const m of this.o.modules ?? []) await m.start?.(this);
    await this.ingest.start();
    await this.cluster?.start();
    if (this.o.listen) {
      const server = createAdaptorServer({ fetch: this.api.fetch });
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.o.listen!.port, this.o.listen!.host, () => resolve());
      });
      const a = server.address() as AddressInfo;
      this.addr = { host: a.address, port: a.port };
      this.o.log.info({ host: a.address, port: a.port }, "API listening");
    }
    const every = this.o.maintenanceIntervalMs ?? 30_000;
    this.timer = setInterval(() => void this.maintain(), every);
    this.timer.unref();
  }

  /** One rollup + retention pass (skipped when one is running, and on a controller that does not lead). */
  async maintain(): Promise<void> {
    if (this.cluster && !this.cluster.leading) return;
    if (this.maintaining) return this.maintaining;
    this.maintaining = (async () => {
      try {
        const r = await this.o.store.maintenance.run(this.o.clock.now());
        if (r.minuteBuckets + r.hourBuckets + r.prunedRaw + r.prunedBlocks + r.packedRows + r.prunedMinute + r.prunedHour > 0) this.o.log.debug({ ...r }, "maintenance pass");
      } catch (err) {
        this.o.log.error({ error: (err as Error).message }, "maintenance failed");
      } finally {
        this.maintaining = null;
      }
    })();
    return this.maintaining;
  }

  /** Stops HTTP, the ingest (finishing its batch) and maintenance; the caller closes nc and store. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    }
    await this.cluster?.stop();
    await this.ingest.stop();
    await this.maintaining;
    for (const m of [...(this.o.modules ?? [])].reverse()) await m.stop?.();
  }
}
