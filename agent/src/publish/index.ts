export type { Publisher, PublishAck, PublishOptions } from "./types";
export { NatsPublisher, type NatsPublisherOptions } from "./nats";
