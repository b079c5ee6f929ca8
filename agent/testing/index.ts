/**
 * @meshfleet/agent/testing: helpers for tests and benchmarks only (never imported by the
 * agent's sources, so never in the router bundle): a canned router, the runner contract
 * suite, readers of the telemetry stream, mutated fixtures for the fuzz tests.
 */
export { CannedRouter, routerOutputs, type CannedAnswer, type RouterProfile } from "./canned-router";
export { runnerContract, HOSTILE_ARGS, type RunnerContractCase, type RunnerContractOptions } from "./runner-contract";
export { readTelemetryStream, snapshotsOf, hellosOf, jobStatusesOf, type StreamMessage } from "./agent-test-support";
export { bigIwDev, bigMpathDump, bigStationDump, grow, longLineStationDump } from "./iw-big-inputs";
export { forEachMutated, mutatedText } from "./mutated";
