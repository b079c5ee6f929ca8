export * from "./nats-config";
export * from "./keys";
export * from "./broker";
export * from "./topology";
export * from "./site-secrets";
export * from "./partitions";
export { nodePermissions } from "./nats-config";
