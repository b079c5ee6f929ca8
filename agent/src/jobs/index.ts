export { JobExecutor, RELOAD_ARGV, type JobExecutorOptions } from "./executor";
export { FileJobStateStore, MemoryJobStateStore, type JobRecord, type JobStateStore } from "./state-store";
export { brokerRoundTrip, createVerifier, verifyWithinDeadline, type PeerCounts, type VerifierOptions } from "./verify";
export { systemJobClock, type JobClock, type JobReport, type JobVerifier, type VerifyResult } from "./types";
export { countPeersByCollecting, createRouterJobHandler, DEFAULT_JOB_STATE_PATH, type RouterJobHandlerOptions } from "./router";
