export * from "./nats-server";
export * from "./wait";
export * from "./stream";
export * from "./fuzz";
export * from "./nats-cluster";
export * from "./node-binary";
