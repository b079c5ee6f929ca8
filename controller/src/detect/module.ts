import type { Controller, ControllerModule } from "../controller";
import type { ApiDeps } from "../http/deps";
import { eventsAlertsRoutes } from "./http-routes";
import { NatsAlertSink } from "../alerts/nats-sink";
import type { AlertSink } from "../alerts/types";
import { NotificationSink, type NotificationsConfig } from "../notify/index";
import { DetectionService, type DetectionServiceOptions } from "./service";
import { ALERT_SEVERITY } from "./alert-rules";

export interface DetectionModuleOptions {
  config?: DetectionServiceOptions["config"];
  /** How often `tick` runs (offline nodes, score decay; default 5 s). */
  tickMs?: number;
  /** ntfy / Slack / Mattermost / JSON targets with routing, digests and a rate limit (validated; the alerting file's older `webhooks` are among them). */
  notifications?: NotificationsConfig;
  /** Publish alerts on NATS (default true). */
  natsAlerts?: boolean;
  /** More sinks (tests). */
  sinks?: readonly AlertSink[];
  eventRetentionMs?: number;
}

/**
 * Detection and alerting as a controller module: the service is built with the API (it
 * needs the store), restored from the store and subscribed to the ingest at start; the
 * module owns the timer that calls `tick`.
 */
/** `3 h 2 min`, `95 s`: a skew in words. */
export function formatSkew(ms: number): string {
  const sec = Math.round(Math.abs(ms) / 1000);
  if (sec < 120) return `${sec} s`;
  const min = Math.round(sec / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h} h ${min % 60} min` : `${Math.round(h / 24)} days`;
}

export function detectionModule(opts: DetectionModuleOptions = {}): ControllerModule & { readonly service: () => DetectionService } {
  let service: DetectionService | null = null;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  const sinks: AlertSink[] = [...(opts.sinks ?? [])];
  let deps: ApiDeps | null = null;
  let notifier: NotificationSink | null = null;
  const get = (): DetectionService => {
    if (!service) throw new Error("detection module used before the controller built its API");
    return service;
  };
  return {
    name: "detection",
    service: get,
    routes(d: ApiDeps) {
      deps = d;
      if (opts.notifications && !notifier) {
        notifier = new NotificationSink(opts.notifications, {
          log: d.log,
          now: () => d.clock.now(),
          // Acknowledged or silenced while waiting for its window: recorded, not sent.
          stillNotify: (a) => service?.alerts.stillNotify(a, d.clock.now()) ?? true,
        });
        sinks.push(notifier);
      }
      service ??= new DetectionService({ store: d.store, clock: d.clock, log: d.log, sinks, config: opts.config, ...(opts.eventRetentionMs ? { eventRetentionMs: opts.eventRetentionMs } : {}) });
      return eventsAlertsRoutes(service, () => d.clock.now());
    },
    async start(controller: Controller) {
      const s = get();
      if (opts.natsAlerts !== false) sinks.push(new NatsAlertSink(controller.nc));
      const cluster = controller.cluster;
      if (cluster) s.setOwnership((node) => cluster.owns(node));
      await s.load();
      unsubscribe = controller.ingest.onCommitted((items) => s.handle(items));
      // node_flooding: raised when a node's messages go over its rate at ingest, resolved after a calm minute
      const unFlood = controller.ingest.onFlooding((e) => {
        const subject = `node:${e.node}`;
        const change = () =>
          e.type === "flooding"
            ? s.alerts.raise({ code: "node_flooding", subject, node: e.node, severity: ALERT_SEVERITY.node_flooding, summary: `${e.node} sends over its rate; its extra messages are dropped (rate_limited)`, evidence: { eventIds: [], scores: [], detail: { reason: "rate_limited" } } }, e.atMs)
          : s.alerts.resolve("node_flooding", subject, e.atMs, { summary: `${e.node} back within its rate after ${e.dropped} dropped message(s)` });
        s.inTransaction(change).catch((err: unknown) => deps?.log.error({ error: (err as Error).message }, "node_flooding alert failed"));
      });
      // clock_skew: a node's clock beyond the ingest's threshold (its timestamps are replaced by the broker's time)
      const unSkew = controller.ingest.onClockSkew((e) => {
        const subject = `node:${e.node}`;
        const off = `${formatSkew(e.skewMs)} ${e.skewMs > 0 ? "ahead of" : "behind"} the broker`;
        const change = () =>
          e.type === "skewed"
            ? s.alerts.raise({ code: "clock_skew", subject, node: e.node, severity: ALERT_SEVERITY.clock_skew, summary: `${e.node}'s clock is ${off}; its snapshots are stored at the broker's time`, evidence: { eventIds: [], scores: [], detail: { skewMs: e.skewMs } } }, e.atMs)
          : s.alerts.resolve("clock_skew", subject, e.atMs, { summary: `${e.node}'s clock is back within the threshold (${formatSkew(e.skewMs)} off)` });
        s.inTransaction(change).catch((err: unknown) => deps?.log.error({ error: (err as Error).message }, "clock_skew alert failed"));
      });
      const unCommitted = unsubscribe;
      unsubscribe = () => {
        unCommitted();
        unFlood();
        unSkew();
      };
      let ticking = false;
      timer = setInterval(() => {
        if (ticking) return;
        ticking = true;
        s.tick()
          .catch((err: unknown) => deps?.log.error({ error: (err as Error).message }, "detection tick failed"))
          .finally(() => (ticking = false));
      }, opts.tickMs ?? 5000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      unsubscribe?.();
      await notifier?.close();
      await service?.alerts.flush();
    },
    cluster: {
      // A partition taken over: its nodes' detector state, scores and open alerts as the last holder stored them.
      partitionGained: () => get().load(),
    },
    openAlertCounts() {
      return service?.alerts.openCounts() ?? new Map<string, number>();
    },
    linkHealth() {
      return service?.linkHealth() ?? new Map();
    },
  };
}
