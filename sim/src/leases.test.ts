import { describe, expect, it } from "vitest";
import { collectLeases } from "@meshfleet/agent";
import { parseDhcpLeases } from "@meshfleet/agent/parsers";
import { stationIdentity } from "./render/leases";
import { World } from "./world";

describe("simulated DHCP leases", () => {
  it("the site's gateway leases every station of the site; other nodes have no lease file", async () => {
    const w = new World({ seed: 3, nodes: 7, routing: "babel", stationsPerNode: 2 });
    w.advance(30_000);
    const gw = w.model.nodes.find((n) => n.gateway)!;
    const r = await collectLeases({ runner: w.runnerFor(gw.id), timeoutMs: 1000, routing: "none", memo: {} });
    expect(r.errors).toEqual([]);
    const site = w.model.sites[gw.site]!;
    expect(r.data?.leases).toHaveLength(site.stations.length);
    const s = w.model.stations[site.stations[0]!]!;
    const lease = r.data?.leases.find((l) => l.mac === s.mac);
    expect(lease).toMatchObject({ ip: stationIdentity(w.model, s).ip, hostname: stationIdentity(w.model, s).hostname });
    expect(lease!.expiresSec! * 1000).toBeGreaterThan(w.now + 6 * 3600_000 - 1000);
    const other = w.model.nodes.find((n) => !n.gateway)!;
    const none = await collectLeases({ runner: w.runnerFor(other.id), timeoutMs: 1000, routing: "none", memo: {} });
    expect(none).toMatchObject({ data: { leases: [] }, errors: [] });
    const text = (await w.runnerFor(gw.id).run(["cat", "/tmp/dhcp.leases"])).stdout;
    const parsed = parseDhcpLeases(text);
    expect(parsed.ok ? parsed.skipped : -1).toBe(0);
  });
});
