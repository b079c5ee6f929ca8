export type { CommandResult, CommandRunner, RunOptions } from "./types";
export { LocalRunner, type LocalRunnerOptions } from "./local";
export { SshRunner, type SshRunnerOptions } from "./ssh";
export { PrefixedRunner, type PrefixedRunnerOptions, type ArgvRewrite } from "./prefixed";
export { shellQuote, remoteCommandLine } from "./quote";
export { DEFAULT_TIMEOUT_MS } from "./spawn";
