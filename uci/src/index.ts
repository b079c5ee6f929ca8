export * from "./format";
export * from "./ops";
export type { UciBackend, UciSnapshot } from "./backend";
export { FileUciBackend } from "./file-backend";
export { CommandUciBackend, uciBatchLine, uciBatchSteps, uciCommandsFor, type UciCommand, type CommandUciBackendOptions } from "./command-backend";
export { runUciCli, uciArgToOp, UciFileRunner, RELOAD_COMMANDS } from "./uci-cli";
export { wirelessStatusFromUci } from "./wireless-status";
