export type { Publisher, PublishOptions } from "./types";
export { NatsPublisher, type NatsPublisherOptions } from "./nats";
