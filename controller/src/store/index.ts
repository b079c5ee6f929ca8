export * from "./types";
export * from "./store";
export * from "./pack";
export * from "./views";
export * from "./history";
export * from "./rollup-fold";
export type { NodeRow, NodesRepository } from "./nodes-repo";
export type { NodeStateRow, RawRow, TelemetryRepository } from "./telemetry-repo";
export type { MaintenanceReport } from "./maintenance";
