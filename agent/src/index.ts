/** @meshfleet/agent: the agent runtime (runners, collectors, agent, publisher, config, CLI). */
export * from "./runner/index";
export * from "./collect/index";
export * from "./agent/index";
export * from "./publish/index";
export * from "./log/index";
export * from "./config/index";
export { main } from "./main";
export { AGENT_VERSION } from "./cli/version";
export * from "./diag/index";
