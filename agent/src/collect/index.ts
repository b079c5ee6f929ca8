import { collectCounters } from "./counters";
import { collectRouting } from "./routing";
import { guarded } from "./section";
import { collectSystem } from "./system";
import { collectInterfaces, collectMeshPaths, collectStations, collectWirelessConfig } from "./wireless";
import type { CollectContext, Collection, LinkInfo } from "./types";

export type { CollectContext, Collection, LinkInfo, RoutingSetting, SectionResult, Sections } from "./types";
export { collectCounters } from "./counters";
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
  const [w, routing, counters, system, wireless] = await Promise.all([
    wirelessPart(ctx),
    guarded("routing", () => collectRouting(ctx)),
    guarded("counters", () => collectCounters(ctx)),
    guarded("system", async () => {
      const r = await collectSystem(ctx);
      links = r.links;
      return r.result;
    }),
    guarded("wireless", () => collectWirelessConfig(ctx)),
  ]);
  return { sections: { interfaces: w.interfaces, stations: w.stations, meshPaths: w.meshPaths, routing, counters, system, wireless }, links };
}

/** `iw dev`, then stations and mesh paths of the interfaces it found. */
async function wirelessPart(ctx: CollectContext): Promise<Pick<Collection["sections"], "interfaces" | "stations" | "meshPaths">> {
  const interfaces = await guarded("interfaces", () => collectInterfaces(ctx));
  const [stations, meshPaths] = await Promise.all([
    guarded("stations", () => collectStations(ctx, interfaces.data)),
    guarded("meshPaths", () => collectMeshPaths(ctx, interfaces.data)),
  ]);
  return { interfaces, stations, meshPaths };
}
