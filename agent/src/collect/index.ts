import { collectCounters } from "./counters";
import { collectRadios } from "./radio";
import { collectLeases } from "./leases";
import { collectRouting } from "./routing";
import { guarded } from "./section";
import { collectSystem } from "./system";
import { collectInterfaces, collectMeshPaths, collectStations, collectWirelessConfig } from "./wireless";
import type { WirelessConfig } from "@meshfleet/shared";
import type { CollectContext, Collection, LinkInfo, SectionResult } from "./types";

export type { CollectContext, Collection, LinkInfo, RoutingSetting, SectionResult, Sections } from "./types";
export { collectCounters } from "./counters";
export { collectRadios } from "./radio";
export { collectLeases } from "./leases";
export { channelUtilisation } from "./radio-rates";
export { collectRouting } from "./routing";
export { collectSystem } from "./system";
export { collectInterfaces, collectMeshPaths, collectStations, collectWirelessConfig } from "./wireless";

/**
 * One collection cycle: every collector runs concurrently (stations and mesh paths
 * after `iw dev` told which interfaces exist). A collector that fails lands in its own
 * section's errors; the others still have their data.
 */
export async function collectAll(ctx: CollectContext): Promise<Collection> {
  let links: LinkInfo[] = [];
  const wirelessP = guarded("wireless", () => collectWirelessConfig(ctx));
  const [w, routing, counters, system, wireless, leases] = await Promise.all([
    wirelessPart(ctx, wirelessP),
    guarded("routing", () => collectRouting(ctx)),
    guarded("counters", () => collectCounters(ctx)),
    guarded("system", async () => {
      const r = await collectSystem(ctx);
      links = r.links;
      return r.result;
    }),
    wirelessP,
    guarded("leases", () => collectLeases(ctx)),
  ]);
  return { sections: { interfaces: w.interfaces, stations: w.stations, meshPaths: w.meshPaths, routing, counters, system, wireless, radios: w.radios, leases }, links };
}

/**
 * `iw dev`, then stations, mesh paths and channel surveys of the interfaces it found; the
 * radio section is assembled once the stations and the wireless configuration are in.
 */
async function wirelessPart(ctx: CollectContext, wireless: Promise<SectionResult<WirelessConfig>>): Promise<Pick<Required<Collection["sections"]>, "interfaces" | "stations" | "meshPaths" | "radios">> {
  const interfaces = await guarded("interfaces", () => collectInterfaces(ctx));
  const stationsP = guarded("stations", () => collectStations(ctx, interfaces.data));
  const others = Promise.all([stationsP, wireless]).then(([st, wi]) => ({ stations: st.data, wireless: wi.data }));
  const [stations, meshPaths, radios] = await Promise.all([
    stationsP,
    guarded("meshPaths", () => collectMeshPaths(ctx, interfaces.data)),
    guarded("radios", () => collectRadios(ctx, interfaces.data, others)),
  ]);
  return { interfaces, stations, meshPaths, radios };
}
