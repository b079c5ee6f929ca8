import { describe, expect, it } from "vitest";
import { parseBirdRoutes, parseMpathDump, parseUptime } from "@meshfleet/agent/parsers";
import { DEMO_SCENARIO, parseScenario } from "./scenario";
import { clientViews, pathViews, peerViews, routeViews } from "./views";
import { World } from "./world";

async function routesOf(w: World, node: string) {
  const out = parseBirdRoutes((await w.runnerFor(node).run(["birdc", "show", "route"])).stdout);
  if (!out.ok) throw new Error(out.error.message);
  return out.value.routes;
}

async function mpathOf(w: World, node: string) {
  const out = parseMpathDump((await w.runnerFor(node).run(["iw", "dev", "mesh0", "mpath", "dump"])).stdout);
  if (!out.ok) throw new Error(out.error.message);
  return out.value.paths;
}

const pathTo = (w: World, from: string, to: string) => pathViews(w, w.node(from)).find((p) => p.dest.id === to);

describe("scripted link cut (seed 42, 3x3 grid, RIPng)", () => {
  it("moves node-1's mesh path and routes to node-2 through node-5, and back on restore", async () => {
    const w = new World({ seed: 42, nodes: 9, routing: "rip" });
    const [n1, n2, n5] = [w.node("node-1"), w.node("node-2"), w.node("node-5")];
    expect(pathTo(w, "node-1", "node-2")).toMatchObject({ next: { macs: { mesh: n2.macs.mesh } }, hops: 1, flags: 0x15, pathChange: 0 });
    let r = (await routesOf(w, "node-1")).find((x) => x.prefix === n2.prefix)!;
    expect(r).toMatchObject({ protocol: "rip1", metric: 2, nextHops: [{ via: n2.linkLocal.mesh, iface: "mesh0" }] });
    const defaultAt2 = (await routesOf(w, "node-2")).find((x) => x.prefix === "::/0")!;
    expect(defaultAt2.nextHops[0]!.via).toBe(n1.linkLocal.mesh);

    w.schedule({ type: "cutLink", atMs: 10_000, a: "node-1", b: "node-2" }, { type: "restoreLink", atMs: 60_000, a: "node-1", b: "node-2" });
    w.advance(15_000);
    expect(w.signal("node-1", "node-2")).toBeNull();
    expect(peerViews(w, n1).map((p) => p.peer.id)).not.toContain("node-2");
    expect(pathTo(w, "node-1", "node-2")).toMatchObject({ next: { macs: { mesh: n5.macs.mesh } }, hops: 2, flags: 0x5, pathChange: 1 });
    expect(pathTo(w, "node-2", "node-1")!.next.macs.mesh).toBe(n5.macs.mesh);
    // The same, as the agent reads it from `iw dev mesh0 mpath dump`.
    expect((await mpathOf(w, "node-1")).find((p) => p.dest === n2.macs.mesh)).toMatchObject({ nextHop: n5.macs.mesh, hopCount: 2, flags: 0x5, pathChange: 1 });
    expect((await mpathOf(w, "node-2")).find((p) => p.dest === n1.macs.mesh)).toMatchObject({ nextHop: n5.macs.mesh, hopCount: 2 });
    r = (await routesOf(w, "node-1")).find((x) => x.prefix === n2.prefix)!;
    expect(r).toMatchObject({ metric: 3, nextHops: [{ via: n5.linkLocal.mesh }] });
    const d = (await routesOf(w, "node-2")).find((x) => x.prefix === "::/0")!;
    expect(d).toMatchObject({ metric: 3, nextHops: [{ via: n5.linkLocal.mesh }] });

    w.advance(50_000);
    expect(pathTo(w, "node-1", "node-2")).toMatchObject({ next: { macs: { mesh: n2.macs.mesh } }, hops: 1, pathChange: 2 });
    expect((await mpathOf(w, "node-1")).find((p) => p.dest === n2.macs.mesh)).toMatchObject({ nextHop: n2.macs.mesh, hopCount: 1, flags: 0x15, pathChange: 2 });
    r = (await routesOf(w, "node-1")).find((x) => x.prefix === n2.prefix)!;
    expect(r.nextHops[0]!.via).toBe(n2.linkLocal.mesh);
    // The re-established peering has new link ids and a fresh connected time.
    expect(peerViews(w, n1).find((p) => p.peer.id === "node-2")!.connectedSec).toBeLessThan(10);
  });
});

describe("the demo scenario (seed 1, 7 nodes, Babel)", () => {
  it("degrades node-1 <-> node-2 into a path relayed by node-4 (3 hops) and recovers it", () => {
    const w = new World({ seed: 1, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
    const relay = w.node("node-4").macs.mesh;
    expect(pathTo(w, "node-1", "node-2")!.next.id).toBe("node-2");
    w.advance(40_000);
    expect(w.signal("node-1", "node-2")).toBeCloseTo(-87.5, 5);
    expect(pathTo(w, "node-1", "node-2")).toMatchObject({ next: { macs: { mesh: relay } }, hops: 3, flags: 0x5 });
    w.advance(50_000); // restoreLink at 80 s
    expect(pathTo(w, "node-1", "node-2")).toMatchObject({ next: { id: "node-2" }, hops: 1, pathChange: 2 });
  });

  it("flaps node-4's default route every 12 s for 60 s, then it stays", () => {
    const w = new World({ seed: 1, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
    const viaAt = (s: number) => {
      w.at(w.startMs + s * 1000);
      return routeViews(w, w.node("node-4")).find((r) => r.prefix === "::/0")?.via ?? null;
    };
    const stable = viaAt(29);
    expect(stable).toBe(w.node("node-1").linkLocal.mesh);
    const seen = [30, 42, 54, 66, 78].map(viaAt);
    // Even phases use another neighbour, odd phases the best one again.
    seen.forEach((via, k) => (k % 2 === 0 ? expect(via).not.toBe(stable) : expect(via).toBe(stable)));
    expect([90, 120, 200].map(viaAt)).toEqual([stable, stable, stable]);
  });

  it("reboots node-5: no answer for 40 s, then uptime from zero and peers again", async () => {
    const w = new World({ seed: 1, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
    const r = w.runnerFor("node-5");
    w.at(w.startMs + 119_000);
    const before = parseUptime((await r.run(["cat", "/proc/uptime"])).stdout)!;
    expect(before).toBeGreaterThan(3600);
    w.at(w.startMs + 130_000);
    await expect(r.run(["iw", "dev"])).rejects.toMatchObject({ code: "E_COMMAND_TIMEOUT" });
    expect(peerViews(w, w.node("node-4")).map((p) => p.peer.id)).not.toContain("node-5");
    expect(routeViews(w, w.node("node-4")).map((x) => x.prefix)).not.toContain(w.node("node-5").prefix);
    expect(clientViews(w, w.node("node-5"))).toEqual([]);
    w.at(w.startMs + 170_000);
    expect(parseUptime((await r.run(["cat", "/proc/uptime"])).stdout)).toBeCloseTo(10, 5);
    expect(peerViews(w, w.node("node-4")).map((p) => p.peer.id)).toContain("node-5");
  });

  it("roams station node-3/0 to node-6 and back", () => {
    const w = new World({ seed: 1, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
    const mac = w.station("node-3/0").mac;
    const apOf = () => ["node-1", "node-2", "node-3", "node-4", "node-5", "node-6", "node-7"].filter((id) => clientViews(w, w.node(id)).some((c) => c.station.mac === mac));
    w.at(w.startMs + 44_000);
    expect(apOf()).toHaveLength(1);
    expect(apOf()).not.toEqual(["node-6"]);
    w.at(w.startMs + 51_000);
    expect(apOf()).toEqual(["node-6"]);
    const c = clientViews(w, w.node("node-6")).find((x) => x.station.mac === mac)!;
    expect(c.connectedSec).toBeLessThanOrEqual(6);
    w.at(w.startMs + 160_000);
    expect(apOf()).toEqual(["node-3"]);
  });
});

describe("scenario files", () => {
  it("validates with zod and names the bad field", () => {
    expect(parseScenario({ name: "x", events: [{ type: "cutLink", atMs: 5, a: "node-1", b: "node-2" }] }).events).toHaveLength(1);
    expect(() => parseScenario({ name: "x", events: [{ type: "rebootNode", atMs: 5, node: "node-1", downMs: -1 }] })).toThrow(/events\.0\.downMs/);
    expect(() => parseScenario({ name: "x", events: [{ type: "melt", atMs: 5 }] })).toThrow(/events\.0/);
  });

  it("rejects events naming unknown nodes or links out of range", () => {
    const w = new World({ seed: 42, nodes: 16 });
    expect(() => w.schedule({ type: "rebootNode", atMs: 1, node: "node-99", downMs: 5 })).toThrow(/unknown simulated node/);
    expect(() => w.schedule({ type: "cutLink", atMs: 1, a: "node-1", b: "node-16" })).toThrow(/out of radio range/);
    expect(() => w.schedule({ type: "flapRoute", atMs: 1, node: "node-1", prefix: "node-77", periodMs: 1000, count: 2 })).toThrow(/unknown simulated node/);
    expect(() => w.schedule({ type: "roamStation", atMs: 1, station: "node-2/9", toNode: "node-1" })).toThrow(/unknown station/);
  });
});
