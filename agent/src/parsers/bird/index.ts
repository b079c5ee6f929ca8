export { parseBirdRipNeighbors, parseBirdRipInterfaces } from "./rip";
export { parseBirdBabelNeighbors, parseBirdBabelInterfaces, parseBirdBabelEntries } from "./babel";
export { parseBirdRoutes } from "./routes";
export { parseBirdProtocols } from "./protocols";
