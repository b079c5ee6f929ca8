import { z } from "zod";
import { meshPath as wireMeshPath, meshPeerInfo, nextHop, nodeId, route as wireRoute, routingNeighbor, station as wireStation } from "@meshfleet/shared";

/** Request and response schemas of the node routes; the OpenAPI document is generated from them. */
export const nodeParams = z.object({ id: nodeId });

/** `/api/nodes/:id/routes`: reachable routes only unless `all=1` (retracted ones too). */
export const routesQuery = z.object({ all: z.enum(["0", "1", "true", "false"]).optional().describe("1: also the routes the daemon lists but its routing protocol retracted") }).strict();

export const nodeStatus = z.enum(["online", "offline", "unknown"]);

export const nodeSummary = z.object({
  id: z.string(),
  status: nodeStatus,
  lastSeen: z.number().int().describe("controller receive time of the last message (ms)"),
  lastSnapshotTs: z.number().int().nullable().describe("the agent's timestamp of its last snapshot (ms)"),
  model: z.string().nullable(),
  boardName: z.string().nullable(),
  release: z.string().nullable(),
  agentVersion: z.string().nullable(),
  protocolVersion: z.number().int().nullable(),
  intervalMs: z.number().int().nullable(),
  stations: z.number().int(),
  peers: z.number().int(),
  neighbors: z.number().int(),
  meshPaths: z.number().int(),
  routes: z.number().int(),
  errors: z.number().int().describe("collector errors in the last snapshot"),
  openAlerts: z.number().int(),
  system: z
    .object({ uptimeSec: z.number().nullable(), load1: z.number().nullable(), memFreeKb: z.number().nullable(), memTotalKb: z.number().nullable() })
    .nullable()
    .optional()
    .describe("from the node's last snapshot"),
  bootedAt: z.number().int().nullable().optional().describe("when the node last booted (ms, its snapshot time minus its uptime)"),
  clockSkewMs: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe("how far the node's clock is from the broker's (ms, positive: ahead), measured since the controller started; null when not measured. Beyond serve --clock-skew its snapshots are stored at the broker's time"),
});

/*
 * The list items below are the wire records (@meshfleet/shared) as the API shows them:
 * the fields picked from the one definition of each record, plus what the controller
 * adds (the fleet node owning a MAC or address, counts instead of arrays).
 */
const station = wireStation
  .pick({ iface: true, mac: true, signalDbm: true, signalAvgDbm: true, txBitrateMbps: true, rxBitrateMbps: true, expectedThroughputMbps: true, inactiveMs: true })
  .extend({
    meshPlink: meshPeerInfo.shape.plink.describe("mesh peer link state (mesh points)"),
    airtimeMetric: meshPeerInfo.shape.airtimeMetric,
    node: z.string().nullable().describe("fleet node owning this MAC"),
  });
const meshPath = wireMeshPath
  .pick({ dest: true, nextHop: true, iface: true, metric: true, hopCount: true, flags: true, sn: true })
  .extend({ destNode: z.string().nullable(), nextHopNode: z.string().nullable() });
const neighbor = routingNeighbor
  .pick({ protocol: true, kind: true, address: true, iface: true, metric: true, rxcost: true, txcost: true, rttMs: true, seenSec: true })
  .extend({ node: z.string().nullable() });
const route = wireRoute.pick({ prefix: true, protocol: true, type: true, primary: true, metric: true }).extend({
  via: nextHop.shape.via.describe("the first next hop's address"),
  iface: nextHop.shape.iface,
  nextHops: z.number().int(),
  reachable: z.boolean().describe("false: listed by the daemon but retracted by its routing protocol (infinite metric, unreachable); shown only with ?all=1"),
});
const counter = z.object({
  key: z.string(),
  packets: z.number(),
  bytes: z.number(),
  packetsPerSec: z.number().nullable(),
  bytesPerSec: z.number().nullable(),
});

export const radio = z.object({
  iface: z.string(),
  type: z.string().nullable(),
  band: z.string().nullable().describe("2.4, 5 or 6 (GHz)"),
  channel: z.number().nullable(),
  freqMhz: z.number().nullable(),
  widthMhz: z.number().nullable(),
  txPowerDbm: z.number().nullable(),
  noiseDbm: z.number().nullable(),
  busyPct: z.number().nullable().describe("channel busy time over active time since the previous cycle (%); null on the first reading and after a counter reset"),
  rxPct: z.number().nullable(),
  txPct: z.number().nullable(),
  clients: z.number().int(),
  peers: z.number().int().nullable().describe("mesh peers in ESTAB (mesh point interfaces)"),
  meshId: z.string().nullable(),
});

/** `/api/nodes/:id/<list>` answers: `{node, ts, items}`. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ node: z.string(), ts: z.number().int().nullable(), items: z.array(item) });
}
export const lists = { stations: station, "mesh-paths": meshPath, neighbors: neighbor, routes: route, counters: counter, radios: radio } as const;

export const nodeDetail = nodeSummary.extend({
  firstSeen: z.number().int(),
  hostname: z.string().nullable(),
  mode: z.string().nullable(),
  capabilities: z.array(z.string()),
  tags: z.array(z.string()),
  macs: z.array(z.object({ mac: z.string(), iface: z.string() })),
  linkLocal: z.array(z.object({ iface: z.string(), address: z.string() })),
  droppedTotal: z.number().int().describe("snapshots the agent reported dropped from its outage buffer"),
  latest: z
    .object({
      ts: z.number().int(),
      receivedAt: z.number().int(),
      boot: z.string(),
      seq: z.number().int(),
      system: z.object({ uptimeSec: z.number().nullable(), load1: z.number().nullable(), memFreeKb: z.number().nullable(), memTotalKb: z.number().nullable(), hostname: z.string().nullable() }).nullable(),
      interfaces: z.array(
        z.object({ name: z.string(), type: z.string().nullable(), mac: z.string().nullable(), channel: z.number().nullable(), freqMhz: z.number().nullable(), ssid: z.string().nullable(), meshId: z.string().nullable() }),
      ),
      errors: z.array(z.object({ section: z.string(), code: z.string(), message: z.string() })),
      stations: z.array(station),
      meshPaths: z.array(meshPath),
      neighbors: z.array(neighbor),
      routes: z.array(route),
      counters: z.array(counter),
      radios: z.array(radio),
    })
    .nullable(),
});

export const namesAnswer = z.object({
  macs: z.record(z.string(), z.string()).describe("MAC (lower case) -> node id, from the nodes' hellos"),
  addresses: z.record(z.string(), z.string()).describe("link-local address -> node id, from the nodes' hellos"),
});
