export type { CommandResult, CommandRunner, RunOptions } from "@meshfleet/shared";
