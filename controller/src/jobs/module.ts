import type { Controller, ControllerModule } from "../controller";
import type { ApiDeps } from "../http/deps";
import { jobsRoutes } from "./routes";
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
      // Several controllers: the leader runs the rollouts (it alone reads the job statuses).
      if (controller.cluster) get().setLeading(false);
      get().start(controller.nc, controller.ingest);
    },
    cluster: {
      leading: (leading) => get().setLeading(leading),
    },
    stop() {
      service?.stop();
    },
  };
}
