/**
 * The wire protocol version. Bump it when a message changes in a way an older peer
 * cannot read, and add a line to the history. Agents announce theirs in the hello;
 * the controller accepts every version listed in SUPPORTED_PROTOCOL_VERSIONS.
 */
export const PROTOCOL_VERSION = 1 as const;

export const PROTOCOL_HISTORY = [
  {
    version: 1,
    date: "2026-11-23",
    change:
      "First version: hello, telemetry snapshot (interfaces, stations, mesh paths, routing, counters, system), job, job status, alert.",
  },
] as const satisfies readonly { version: number; date: string; change: string }[];

export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];

/** Capabilities an agent may announce in its hello. */
export const CAPABILITIES = {
  stations: "stations",
  meshPaths: "mesh-paths",
  bird: "bird",
  babeld: "babeld",
  nft: "nft",
  uciJobs: "uci-jobs",
  simulated: "simulated",
  diagnostics: "diagnostics",
} as const;
export type Capability = (typeof CAPABILITIES)[keyof typeof CAPABILITIES];
