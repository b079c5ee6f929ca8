import { toWireError } from "@meshfleet/shared";
import type { CollectContext } from "../collect/types";
import { collectInterfaces, collectStations } from "../collect/wireless";
import { collectRouting } from "../collect/routing";
import type { Log } from "../log/types";
import type { Publisher } from "../publish/types";
import type { CommandRunner } from "../runner/types";
import { CommandUciBackend } from "@meshfleet/uci";
import { JobExecutor } from "./executor";
import { FileJobStateStore } from "./state-store";
import { systemJobClock } from "./types";
import { brokerRoundTrip, createVerifier, type PeerCounts } from "./verify";

/** Where a router keeps the job state file: it must survive a reboot (not /tmp). */
export const DEFAULT_JOB_STATE_PATH = "/etc/meshfleet/jobs.json";

/** Counts mesh peers (`mesh plink: ESTAB`) and routing neighbours by running the collectors. */
export async function countPeersByCollecting(ctx: CollectContext): Promise<PeerCounts> {
  const ifaces = await collectInterfaces(ctx);
  const [stations, routing] = await Promise.all([collectStations(ctx, ifaces.data), collectRouting(ctx)]);
  return {
    meshPeers: (stations.data?.stations ?? []).filter((s) => s.mesh?.plink === "ESTAB").length,
    neighbors: routing.data?.neighbors.length ?? 0,
  };
}

export interface RouterJobHandlerOptions {
  runner: CommandRunner;
  /** The agent's broker connection; verification needs an acknowledged publish over it. */
  publisher: Publisher;
  log: Log;
  statePath?: string;
  commandTimeoutMs?: number;
}

/**
 * The job handler of an agent on (or reaching over ssh) a real router: `uci` through the
 * runner with argv arrays, the job state file under /etc/meshfleet, verification by an
 * acknowledged publish over the agent's own connection (brokerRoundTrip) and, when a job asks, by collecting mesh peers and neighbours.
 */
export function createRouterJobHandler(o: RouterJobHandlerOptions): JobExecutor {
  const ctx: CollectContext = { runner: o.runner, timeoutMs: o.commandTimeoutMs ?? 5000, routing: "auto", memo: {} };
  const executor = new JobExecutor({
    backend: new CommandUciBackend(o.runner),
    runner: o.runner,
    store: new FileJobStateStore(o.statePath ?? DEFAULT_JOB_STATE_PATH),
    clock: systemJobClock,
    log: o.log,
    verifier: createVerifier({
      clock: systemJobClock,
      roundTrip: brokerRoundTrip(o.publisher, systemJobClock),
      countPeers: () => countPeersByCollecting(ctx),
    }),
  });
  // A job the last run left half-done (power cut after a reload) is rolled back at start,
  // not only when its job is delivered again.
  executor.recover().catch((e: unknown) => o.log.error({ event: "job_recover_failed", err: toWireError(e) }, "could not roll back an interrupted job"));
  return executor;
}
