export { agentConfig, nodeEntry, runnerConfig, type AgentConfig, type AgentConfigInput, type NodeEntry, type RunnerConfig } from "./schema";
export { loadConfig, parseDuration, type ConfigFlags, type LoadedConfig } from "./load";
export { buildRunner } from "./runner";
