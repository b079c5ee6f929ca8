import { describe, expect, it } from "vitest";
import { parseMpathDump } from "@meshfleet/agent/parsers";
import { World } from "./world";

/** The mesh path from `from` to `to` as the routers print it: each node's `iw mpath dump` next hop, followed hop by hop. */
async function mpathRoute(w: World, from: string, to: string): Promise<string[]> {
  const byMesh = new Map(w.nodeIds().map((id) => [w.node(id).macs.mesh.toLowerCase(), id]));
  const dest = w.node(to).macs.mesh.toLowerCase();
  const hops: string[] = [];
  let cur = from;
  while (cur !== to && hops.length < 10) {
    const r = await w.runnerFor(cur).run(["iw", "dev", "mesh0", "mpath", "dump"]);
    const dump = parseMpathDump(r.stdout);
    if (!dump.ok) throw dump.error;
    const next = dump.value.paths.find((p) => p.dest.toLowerCase() === dest)?.nextHop.toLowerCase();
    cur = byMesh.get(next ?? "") ?? "?";
    hops.push(cur);
  }
  return hops;
}

const run = async (w: World, node: string, argv: string[]) => (await w.runnerFor(node).run(argv)).stdout;
const times = (out: string) => [...out.matchAll(/ttl=(\d+) time=([\d.]+) ms/g)].map((m) => ({ ttl: Number(m[1]), ms: Number(m[2]) }));
const avg = (out: string) => Number(/round-trip min\/avg\/max = [\d.]+\/([\d.]+)\//.exec(out)?.[1]);

/**
 * ping and traceroute on a simulated node answer from the world: the route is the mesh
 * path the routers' own mpath tables give, the round trip grows with each hop and with a
 * weaker link. Seed 3, 9 nodes, Babel: node-1's neighbour and a node 3 hops away.
 */
describe("simulated ping and traceroute follow the mesh path and its links", () => {
  const world = () => new World({ seed: 3, nodes: 9, routing: "babel", startMs: Date.UTC(2026, 10, 1) });

  it("traceroute lists the mesh path's hops in order (by their LAN addresses); ping's TTL counts them and a 3-hop node answers slower than a neighbour", async () => {
    const w = world();
    const ids = w.nodeIds().filter((id) => id !== "node-1");
    const routes = new Map<string, string[]>();
    for (const id of ids) routes.set(id, await mpathRoute(w, "node-1", id));
    const near = ids.find((id) => routes.get(id)!.length === 1)!;
    const far = ids.find((id) => routes.get(id)!.length === 3)!;
    expect([near, far, routes.get(far)]).toEqual(["node-2", "node-6", ["node-2", "node-5", "node-6"]]);

    const lan = (id: string) => w.node(id).lanAddress;
    const trace = await run(w, "node-1", ["traceroute", "-n", "-q", "1", "-w", "2", "-m", "16", lan(far)]);
    const lines = trace.trim().split("\n");
    expect(lines[0]).toBe(`traceroute to ${lan(far)} (${lan(far)}), 16 hops max, 52 byte packets`);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(1, 3))).toEqual(routes.get(far)!.map((id, i) => [String(i + 1), lan(id)]));
    // Each hop adds its own round trip: about 4.6 to 5 ms per hop on these links.
    const hopMs = lines.slice(1).map((l) => Number(/ ([\d.]+) ms$/.exec(l)![1]));
    expect(hopMs).toEqual([5.217, 9.792, 14.675]);

    const pingNear = await run(w, "node-1", ["ping", "-c", "4", "-s", "56", "-W", "2", lan(near)]);
    const pingFar = await run(w, "node-1", ["ping", "-c", "4", "-s", "56", "-W", "2", lan(far)]);
    expect(times(pingNear).map((t) => t.ttl)).toEqual([63, 63, 63, 63]);
    expect(new Set(times(pingFar).map((t) => t.ttl))).toEqual(new Set([61]));
    expect(Math.max(...times(pingNear).map((t) => t.ms))).toBeLessThan(Math.min(...times(pingFar).map((t) => t.ms)));
    expect([avg(pingNear), avg(pingFar)]).toEqual([4.621, 14.785]);
  });

  it("a degraded link raises the round trip over it (-78.7 -> -84 dBm: still direct, every probe slower); at -88 dBm the mesh relays and traceroute shows the new path", async () => {
    const w = world();
    const lan2 = w.node("node-2").lanAddress;
    const ping = () => run(w, "node-1", ["ping", "-c", "4", "-s", "56", "-W", "2", lan2]);
    expect(w.signal("node-1", "node-2")).toBe(-78.7);
    const before = await ping();
    w.schedule({ type: "degradeLink", atMs: 1000, a: "node-1", b: "node-2", toSignal: -84, overMs: 0 });
    w.advance(2000);
    expect(w.signal("node-1", "node-2")).toBe(-84);
    expect(await mpathRoute(w, "node-1", "node-2")).toEqual(["node-2"]);
    const after = await ping();
    expect(times(after).map((t) => t.ttl)).toEqual([63, 63, 63, 63]);
    expect(Math.min(...times(after).map((t) => t.ms))).toBeGreaterThan(Math.max(...times(before).map((t) => t.ms)));
    expect([avg(before), avg(after)]).toEqual([4.621, 5.505]);

    w.schedule({ type: "degradeLink", atMs: 3000, a: "node-1", b: "node-2", toSignal: -88, overMs: 0 });
    w.advance(2000);
    const relayed = await mpathRoute(w, "node-1", "node-2");
    expect(relayed).toEqual(["node-4", "node-2"]);
    expect(new Set(times(await ping()).map((t) => t.ttl))).toEqual(new Set([62]));
    const trace = await run(w, "node-1", ["traceroute", "-n", "-q", "1", "-w", "2", "-m", "16", lan2]);
    expect(trace.trim().split("\n").slice(1).map((l) => l.split(/\s+/)[2])).toEqual(relayed.map((id) => w.node(id).lanAddress));
  });
});
