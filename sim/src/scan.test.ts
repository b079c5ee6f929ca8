import { expect, it } from "vitest";
import { parseScan } from "@meshfleet/agent/parsers";
import { SimulatedRunner } from "./runner";
import { World } from "./world";

it("iw dev IF scan answered from the world: the mesh radio hears its site's other mesh points (and 5 GHz APs), the AP radio the 2.4 GHz APs, at the links' signal; parsed by the agent's parser", async () => {
  const world = new World({ seed: 7, nodes: 6, routing: "babel", startMs: 1_000_000 });
  const node = world.node("node-1");
  const t = world.tables(node);
  const site = world.model.sites[node.site]!;
  const heard = site.nodes.map((i) => world.model.nodes[i]!).filter((o) => o.index !== node.index && !Number.isNaN(t.signal[node.local * t.n + o.local]!));
  expect(heard.length).toBeGreaterThanOrEqual(2);
  const runner = new SimulatedRunner(world, "node-1");

  const mesh = await runner.run(["iw", "dev", "mesh0", "scan"]);
  const m = parseScan(mesh.stdout);
  if (!m.ok) throw new Error(m.error.message);
  const points = m.value.bss.filter((b) => b.meshId !== null);
  expect(points.map((b) => b.bssid).sort()).toEqual(heard.map((o) => o.macs.mesh).sort());
  for (const b of points) {
    const o = heard.find((x) => x.macs.mesh === b.bssid)!;
    expect([b.meshId, b.channel, b.security, b.ssid]).toEqual([o.meshId, o.meshChannel, "wpa3", null]);
    expect(Math.abs(b.signalDbm! - t.signal[node.local * t.n + o.local]!)).toBeLessThanOrEqual(2.5);
  }
  // Networks per channel: every mesh point on the mesh channel.
  expect(m.value.channels.find((c) => c.channel === node.meshChannel)?.networks).toBeGreaterThanOrEqual(points.length);

  const ap = parseScan((await runner.run(["iw", "dev", "wlan0", "scan"])).stdout);
  if (!ap.ok) throw new Error(ap.error.message);
  const aps = ap.value.bss.filter((b) => b.ssid === world.model.wireless.ssid);
  expect(aps.map((b) => b.bssid).sort()).toEqual(heard.filter((o) => (o.apChannel <= 14) === (node.apChannel <= 14)).map((o) => o.macs.ap).sort());
  expect(aps.every((b) => b.security === "wpa2" && b.channel !== null)).toBe(true);

  expect((await runner.run(["iw", "dev", "wlan9", "scan"])).exitCode).not.toBe(0);
});

it("birdc show route for: the routes of the longest prefix holding the address, from the node's routing view", async () => {
  const world = new World({ seed: 7, nodes: 6, routing: "babel", startMs: 1_000_000 });
  const runner = new SimulatedRunner(world, "node-1");
  const other = world.node("node-3");
  const r = await runner.run(["birdc", "show", "route", "for", other.lanAddress]);
  const routes = world.viewsAt(world.node("node-1")).routes.filter((x) => x.prefix === other.prefix);
  expect(routes.length).toBeGreaterThan(0);
  expect(r.stdout).toContain(other.prefix);
  const prefixes = r.stdout.split("\n").filter((l) => /^[0-9a-f:]+\/\d+/.test(l)).map((l) => l.split(/\s+/)[0]);
  expect(new Set(prefixes)).toEqual(new Set([other.prefix]));
  expect((await runner.run(["birdc", "show", "route", "for", "192.0.2.1"])).stdout).toContain("Network not found");
});

it("iperf3 to another node: one line per second and the sender/receiver summary; refused to itself", async () => {
  const world = new World({ seed: 7, nodes: 6, routing: "babel", startMs: 1_000_000 });
  const runner = new SimulatedRunner(world, "node-1");
  const rate = async (target: string) => {
    const r = await runner.run(["iperf3", "-c", target, "-t", "3", "-f", "m"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n").filter((l) => /^\[  5\] +\d\.00-\d\.00 +sec/.test(l) && !/sender|receiver/.test(l))).toHaveLength(3);
    return Number(/([\d.]+) Mbits\/sec +sender/.exec(r.stdout)![1]);
  };
  const node = world.node("node-1");
  const t = world.tables(node);
  const others = world.nodeIds().filter((id) => id !== "node-1");
  const hopsTo = (id: string) => {
    const o = world.node(id);
    return t.meshNext[node.local * t.n + o.local] === o.local ? 1 : 2;
  };
  const direct = others.find((id) => hopsTo(id) === 1)!;
  expect(await rate(direct)).toBeGreaterThan(0);
  expect((await runner.run(["iperf3", "-c", "node-1", "-t", "1"])).exitCode).toBe(1);
});
