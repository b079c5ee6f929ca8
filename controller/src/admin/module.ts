import type { ControllerModule } from "../controller";
import { adminRoutes, type AdminOptions } from "./routes";

/** API tokens and node enrollment over the API (admin role). */
export function adminModule(o: AdminOptions = {}): ControllerModule {
  return { name: "admin", routes: (deps) => adminRoutes(deps, o) };
}
