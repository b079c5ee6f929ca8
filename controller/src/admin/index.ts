export { adminModule } from "./module";
export { adminRoutes, type AdminOptions } from "./routes";
