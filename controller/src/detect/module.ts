import type { Controller, ControllerModule } from "../controller";
import type { ApiDeps } from "../api/deps";
import { eventsAlertsRoutes } from "../api/events-alerts";
import { NatsAlertSink } from "../alerts/nats-sink";
import { WebhookAlertSink, type WebhookConfig } from "../alerts/webhook-sink";
import type { AlertSink } from "../alerts/types";
import { DetectionService, type DetectionServiceOptions } from "./service";
import { clientRoutes } from "../clients/routes";

export interface DetectionModuleOptions {
  config?: DetectionServiceOptions["config"];
  /** How often `tick` runs (offline nodes, score decay; default 5 s). */
  tickMs?: number;
  webhooks?: readonly WebhookConfig[];
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
export function detectionModule(opts: DetectionModuleOptions = {}): ControllerModule & { readonly service: () => DetectionService } {
  let service: DetectionService | null = null;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  const sinks: AlertSink[] = [...(opts.sinks ?? []), ...(opts.webhooks ?? []).map((w) => new WebhookAlertSink(w))];
  let deps: ApiDeps | null = null;
  const get = (): DetectionService => {
    if (!service) throw new Error("detection module used before the controller built its API");
    return service;
  };
  return {
    name: "detection",
    service: get,
    routes(d: ApiDeps) {
      deps = d;
      service ??= new DetectionService({ store: d.store, clock: d.clock, log: d.log, sinks, config: opts.config, ...(opts.eventRetentionMs ? { eventRetentionMs: opts.eventRetentionMs } : {}) });
      const app = eventsAlertsRoutes(service, () => d.clock.now());
      app.route("/", clientRoutes(d, service.repo));
      return app;
    },
    start(controller: Controller) {
      const s = get();
      if (opts.natsAlerts !== false) sinks.push(new NatsAlertSink(controller.nc));
      s.load();
      unsubscribe = controller.ingest.onCommitted((items) => s.handle(items));
      timer = setInterval(() => {
        try {
          s.tick();
        } catch (err) {
          deps?.log.error({ error: (err as Error).message }, "detection tick failed");
        }
      }, opts.tickMs ?? 5000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      unsubscribe?.();
      await service?.alerts.flush();
    },
    openAlertCounts() {
      return service?.alerts.openCounts() ?? new Map<string, number>();
    },
    linkHealth() {
      return service?.linkHealth() ?? new Map();
    },
  };
}
