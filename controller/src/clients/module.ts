import type { ControllerModule } from "../controller";
import type { ApiDeps } from "../http/deps";
import { DetectRepository } from "../detect/repo";
import { clientRoutes } from "./routes";

/**
 * Clients and roaming as a controller module: `/api/clients`, `/api/clients/:mac` and
 * `/api/roaming`, read from the store (stations, leases, and the roam events detection
 * stored). It has no lifecycle of its own.
 */
export function clientsModule(): ControllerModule {
  return {
    name: "clients",
    routes: (d: ApiDeps) => clientRoutes(d, new DetectRepository(d.store.sql)),
  };
}
