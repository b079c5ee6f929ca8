import { describe, expect, it } from "vitest";
import { collectAll } from "../collect/index";
import type { CollectContext } from "../collect/types";
import { CannedRouter } from "../../testing/canned-router";
import { buildHello, capabilitiesOf, helloBasis, type HelloMeta } from "./snapshot";

const meta: HelloMeta = { node: "r3", boot: "boot-0001", ts: 1_700_000_000_000, agentVersion: "t", intervalMs: 10_000, mode: "local", tags: ["a"], extraCapabilities: [] };

function ctx(router: CannedRouter): CollectContext {
  return { runner: router, timeoutMs: 1000, routing: "bird2", memo: {} };
}

describe("helloBasis", () => {
  it("gives the same hello and capabilities as the whole collection, without the tables", async () => {
    const c = await collectAll(ctx(new CannedRouter({ node: 3, stations: 12, meshPaths: 5, routes: 9, counters: 6 })));
    expect(c.sections.stations.data?.stations).toHaveLength(12);
    const kept = helloBasis(c);
    expect(buildHello(meta, kept)).toEqual(buildHello(meta, c));
    expect(capabilitiesOf(kept, "simulated").sort()).toEqual(capabilitiesOf(c, "simulated").sort());
    const hello = buildHello(meta, kept);
    expect(hello.hostname).toBe("r3");
    expect(hello.interfaces.find((i) => i.name === "mesh0")?.linkLocal).toEqual(["fe80::4:ff:fe00:4"]);
    expect(kept.sections.stations.data?.stations).toEqual([]);
    expect(kept.sections.routing.data?.routes).toEqual([]);
    expect(kept.sections.routing.data?.daemon).toBe("bird2");
    expect(kept.sections.counters.data?.counters).toEqual([]);
    expect(kept.sections.meshPaths.data?.paths).toHaveLength(1);
    expect(kept.sections.system.data?.delegatedPrefixes).toEqual([]);
  });

  it("keeps missing sections missing (no capability appears)", async () => {
    const router = new CannedRouter();
    router.answers.set("nft -j list ruleset", { throw: "not-found" });
    router.answers.set("iw dev mesh0 mpath dump", "");
    const c = await collectAll(ctx(router));
    const kept = helloBasis(c);
    expect(kept.sections.counters.data).toBeNull();
    expect(capabilitiesOf(kept, "local")).toEqual(capabilitiesOf(c, "local"));
    expect(capabilitiesOf(kept, "local")).not.toContain("nft");
    expect(buildHello(meta, kept)).toEqual(buildHello(meta, c));
  });
});
