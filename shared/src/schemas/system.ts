import { z } from "zod";
import { macText, nullableNumber } from "./common";
import { shortText } from "./primitives";

/** `ubus call system board`. */
export const boardInfo = z.object({
  hostname: z.nullable(shortText),
  model: z.nullable(shortText),
  boardName: z.nullable(shortText),
  kernel: z.nullable(shortText),
  system: z.nullable(shortText),
  release: z
    .object({
      distribution: z.nullable(shortText),
      version: z.nullable(shortText),
      revision: z.nullable(shortText),
      target: z.nullable(shortText),
      description: z.nullable(shortText),
    })
    .nullable(),
});
export type BoardInfo = z.infer<typeof boardInfo>;

export const ipAddress = z.object({
  iface: shortText,
  address: shortText,
  prefixLen: z.number().int().min(0).max(128),
  family: z.enum(["inet", "inet6"]),
  scope: z.enum(["link", "global", "host", "site", "other"]),
});
export type IpAddress = z.infer<typeof ipAddress>;

export const systemFacts = z.object({
  hostname: z.nullable(shortText),
  board: boardInfo.nullable(),
  uptimeSec: nullableNumber,
  load: z.tuple([z.number(), z.number(), z.number()]).nullable(),
  memory: z.object({ totalKb: z.number(), freeKb: z.number(), availableKb: z.number().nullable() }).nullable(),
  addresses: z.array(ipAddress).max(1024),
  /** Prefixes delegated to this router (DHCPv6-PD), e.g. `2001:db8:1200::/56`. */
  delegatedPrefixes: z.array(shortText).max(64),
});
export type SystemFacts = z.infer<typeof systemFacts>;

/** `ubus call network.wireless status`, reduced to what meshfleet reads. */
export const wirelessStatus = z.object({
  radios: z.array(
    z.object({
      name: shortText,
      up: z.boolean().nullable(),
      disabled: z.boolean().nullable(),
      config: z.record(z.string(), z.unknown()),
      interfaces: z.array(
        z.object({
          section: z.nullable(shortText),
          ifname: z.nullable(shortText),
          config: z.record(z.string(), z.unknown()),
        }),
      ),
    }),
  ),
});
export type WirelessStatus = z.infer<typeof wirelessStatus>;

/** `ubus call hostapd.IF get_clients`. */
export const hostapdClients = z.object({
  freqMhz: nullableNumber,
  clients: z.array(
    z.object({
      mac: macText,
      auth: z.boolean().nullable(),
      assoc: z.boolean().nullable(),
      authorized: z.boolean().nullable(),
      signalDbm: nullableNumber,
      rxBytes: nullableNumber,
      txBytes: nullableNumber,
      flags: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type HostapdClients = z.infer<typeof hostapdClients>;
