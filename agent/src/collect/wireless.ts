import { ERROR_CODES, type IwDev, type MpathDump, type StationDump, type WirelessConfig, type WirelessInterface } from "@meshfleet/shared";
import { parseIwDev, parseMpathDump, parseStationDump } from "../parsers/iw/index";
import { parseUbusWireless, wirelessConfigFromStatus } from "../parsers/ubus/index";
import { SectionRun } from "./section";
import type { CollectContext, SectionResult } from "./types";

/** Interface types that have no stations (monitor taps, P2P management devices). */
const NO_STATIONS = new Set(["monitor", "P2P-device"]);

/** `iw dev`: the wireless interfaces. */
export async function collectInterfaces(ctx: CollectContext): Promise<SectionResult<IwDev>> {
  const s = new SectionRun(ctx, "interfaces");
  return s.done(await s.run(["iw", "dev"], parseIwDev));
}

function noInterfaces(s: SectionRun, ifaces: IwDev | null): boolean {
  if (ifaces !== null) return false;
  s.error(ERROR_CODES.collectorFailed, "wireless interfaces unknown (iw dev failed)");
  return true;
}

/** `iw dev IF station dump` for every wireless interface, merged into one dump. */
export async function collectStations(ctx: CollectContext, ifaces: IwDev | null): Promise<SectionResult<StationDump>> {
  const s = new SectionRun(ctx, "stations");
  if (noInterfaces(s, ifaces)) return s.done(null);
  const targets = (ifaces?.interfaces ?? []).filter((i) => !NO_STATIONS.has(i.type ?? ""));
  const dumps = await Promise.all(targets.map((i) => s.run(["iw", "dev", i.name, "station", "dump"], parseStationDump)));
  const ok = dumps.filter((d): d is StationDump => d !== null);
  if (ok.length === 0 && targets.length > 0) return s.done(null);
  const stations = ok.flatMap((d) => d.stations).sort((a, b) => (a.iface === b.iface ? cmp(a.mac, b.mac) : cmp(a.iface, b.iface)));
  return s.done({ stations });
}

/** `iw dev IF mpath dump` for every 802.11s mesh point interface. */
export async function collectMeshPaths(ctx: CollectContext, ifaces: IwDev | null): Promise<SectionResult<MpathDump>> {
  const s = new SectionRun(ctx, "meshPaths");
  if (noInterfaces(s, ifaces)) return s.done(null);
  const mesh = (ifaces?.interfaces ?? []).filter(isMeshPoint);
  const dumps = await Promise.all(mesh.map((i) => s.run(["iw", "dev", i.name, "mpath", "dump"], parseMpathDump)));
  const ok = dumps.filter((d): d is MpathDump => d !== null);
  if (ok.length === 0 && mesh.length > 0) return s.done(null);
  const paths = ok.flatMap((d) => d.paths).sort((a, b) => (a.iface === b.iface ? cmp(a.dest, b.dest) : cmp(a.iface, b.iface)));
  return s.done({ paths });
}

export function isMeshPoint(i: WirelessInterface): boolean {
  return (i.type ?? "").toLowerCase() === "mesh point";
}

/**
 * `ubus call network.wireless status` reduced to the configuration (keys only as
 * fingerprints). With `ctx.slow` it is read only on a refresh; in between the last good
 * section is reported again with `cachedFromTs` (when it was read).
 */
export async function collectWirelessConfig(ctx: CollectContext): Promise<SectionResult<WirelessConfig>> {
  const slow = ctx.slow;
  if (slow && !slow.refresh && slow.wireless) return { ...slow.wireless.value, durationMs: 0, cachedFromTs: slow.wireless.ts };
  const s = new SectionRun(ctx, "wireless");
  const status = await s.run(["ubus", "call", "network.wireless", "status"], parseUbusWireless);
  const result = s.done<WirelessConfig>(status === null ? null : wirelessConfigFromStatus(status));
  if (slow) {
    if (result.data !== null && result.errors.length === 0) slow.wireless = { value: result, ts: slow.now };
    else delete slow.wireless;
  }
  return result;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
