export { Agent, type AgentOptions } from "./agent";
export { Outbox } from "./outbox";
export { WireEncoder, type EncodedSnapshot, type WireEncoderOptions } from "./wire-encoder";
export { buildHello, buildSnapshot, capabilitiesOf } from "./snapshot";
export { systemClock, type AgentMode, type Clock, type JobHandler } from "./types";
