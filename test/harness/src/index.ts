export * from "./nats-server";
export * from "./wait";
export * from "./stream";
export * from "./nats-cluster";
