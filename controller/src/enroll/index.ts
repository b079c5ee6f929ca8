export * from "./nats-config";
export * from "./keys";
