/**
 * The wire protocol version. Bump it when a message changes in a way an older peer
 * cannot read, and add a line to the history. Agents announce theirs in the hello;
 * the controller accepts every version listed in SUPPORTED_PROTOCOL_VERSIONS.
 */
export const PROTOCOL_VERSION = 2 as const;

export const PROTOCOL_HISTORY = [
  {
    version: 1,
    date: "2026-11-23",
    change:
      "First version: hello, telemetry snapshot (interfaces, stations, mesh paths, routing, counters, system), job, job status, alert.",
  },
  {
    version: 2,
    date: "2026-12-05",
    change:
      "Compact snapshots: a snapshot may be zlib-deflated (header Mf-Enc: deflate, a keyframe) or a delta against an acknowledged keyframe of the same boot (Mf-Enc: delta-deflate, Mf-Base: the keyframe's stream sequence); hellos announce it with the capability wire-delta. Messages without Mf-Enc are plain JSON as in version 1.",
  },
] as const satisfies readonly { version: number; date: string; change: string }[];

export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2];

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
  /** Sends snapshots deflated, as deltas against keyframes (protocol version 2, `wire/encoding.ts`). */
  wireDelta: "wire-delta",
  /** Sends snapshots deflated, keyframes only. */
  wireDeflate: "wire-deflate",
} as const;
export type Capability = (typeof CAPABILITIES)[keyof typeof CAPABILITIES];
