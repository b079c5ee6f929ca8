import type { Hono } from "hono";
import type { Clock, StoreApi } from "../store/index";
import type { Logger } from "../log";
import type { Registry } from "../metrics/registry";

/** A mesh link's health as detection reports it (the topology shows it). */
export interface LinkHealthInfo {
  health: "ok" | "degraded" | "down";
  nodes: readonly [string, string];
  since: number | null;
  reason: string | null;
  sides: readonly unknown[];
}

/** What the ingest tells the health check. */
export interface IngestHealth {
  readonly lastStoreError: string | null;
  /** Each node's clock skew (ms) as the ingest measured it; absent or empty when not measured. */
  clockSkews?(): ReadonlyMap<string, number>;
}

export interface ApiDeps {
  store: StoreApi;
  clock: Clock;
  log: Logger;
  /** Prometheus registry rendered at /metrics. */
  registry: Registry;
  ingest?: IngestHealth;
  /** True while the NATS connection is up (health). */
  natsConnected?: () => boolean;
  /** Open alert count per node; detection provides it (0 everywhere without it). */
  openAlertCounts?: () => ReadonlyMap<string, number>;
  /** Mesh link health by link subject (detection provides it; the topology shows it). */
  linkHealth?: () => ReadonlyMap<string, LinkHealthInfo>;
  /** A node is offline after this many missed intervals (default 3). */
  offlineAfterIntervals?: number;
  /** More route modules mounted under /api (detection, jobs, ...). */
  routes?: readonly Hono[];
  /** API access control: bearer tokens with roles (`serve` and the demo), or off (in-process tests). */
  auth?: "tokens" | "off";
  /** Route modules mounted at `/` (the dashboard's static files). */
  rootRoutes?: readonly Hono[];
}
