import { z } from "zod";
import { section } from "./common";
import { epochMs, nodeId } from "./primitives";
import { iwDev, mpathDump, stationDump } from "./wireless";
import { routingView } from "./routing";
import { nftCounters } from "./firewall";
import { systemFacts } from "./system";
import { wirelessConfig } from "./wireless-config";
import { radioView } from "./radio";
import { dhcpLeases } from "./clients";

/**
 * One telemetry message per cycle per node. `(node, boot, seq)` is unique: `boot` is
 * random per agent start and `seq` counts from 1 within a boot.
 */
export const snapshot = z.object({
  type: z.literal("snapshot"),
  v: z.number().int().positive(),
  node: nodeId,
  boot: z.string().min(8).max(64),
  seq: z.number().int().positive(),
  ts: epochMs,
  intervalMs: z.number().int().positive(),
  /** Snapshots the agent dropped from its outage buffer since it last reported. */
  dropped: z.number().int().nonnegative().default(0),
  interfaces: section(iwDev),
  stations: section(stationDump),
  meshPaths: section(mpathDump),
  routing: section(routingView),
  counters: section(nftCounters),
  system: section(systemFacts),
  wireless: section(wirelessConfig),
  /** Radio health (channel, power, noise, utilisation, clients); absent from agents before it existed. */
  radios: section(radioView).optional(),
  /** DHCP leases the node handed out (hostnames and IPs of clients); absent from agents before it existed. */
  leases: section(dhcpLeases).optional(),
});
export type Snapshot = z.infer<typeof snapshot>;
export type SnapshotInput = z.input<typeof snapshot>;
