import type { Controller, ControllerModule } from "../controller";
import type { ApiDeps } from "../api/deps";
import { jobsRoutes } from "../api/jobs";
import { JobService } from "./service";

/**
 * Configuration jobs as a controller module: the service is built with the API (it
 * needs the store), connected to NATS and the ingest when the controller starts.
 */
export function jobsModule(opts: { tickMs?: number } = {}): ControllerModule & { readonly service: () => JobService } {
  let service: JobService | null = null;
  const get = (): JobService => {
    if (!service) throw new Error("jobs module used before the controller built its API");
    return service;
  };
  return {
    name: "jobs",
    service: get,
    routes(deps: ApiDeps) {
      service ??= new JobService({ store: deps.store, clock: deps.clock, log: deps.log, ...(opts.tickMs === undefined ? {} : { tickMs: opts.tickMs }) });
      return jobsRoutes(service);
    },
    start(controller: Controller) {
      get().start(controller.nc, controller.ingest);
    },
    stop() {
      service?.stop();
    },
  };
}
