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

it("ip -6 route show match <address> proto babel (a babeld node's route lookup): the node's Babel routes that hold the address, as iproute2 prints them", async () => {
  const world = new World({ seed: 7, nodes: 6, routing: "babel", startMs: 1_000_000 });
  const runner = new SimulatedRunner(world, "node-1");
  const other = world.node("node-3");
  const view = world.viewsAt(world.node("node-1")).routes.find((x) => x.prefix === other.prefix && x.protocol === "babel1")!;
  expect(view).toBeDefined();
  const r = await runner.run(["ip", "-6", "route", "show", "match", other.lanAddress, "proto", "babel"]);
  expect(r.exitCode).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines).toContain(`${other.prefix} via ${view.via} dev mesh0 proto babel metric 1024 pref medium`);
  // Only routes that hold the address; the node's own LAN is direct, not Babel's.
  for (const l of lines) expect(l).toMatch(/^(default|[0-9a-f:]+\/\d+) via fe80:[0-9a-f:]+ dev mesh0 proto babel metric 1024 pref medium$/);
  expect((await runner.run(["ip", "-6", "route", "show", "match", world.node("node-1").lanAddress, "proto", "babel"])).stdout.includes(world.node("node-1").prefix)).toBe(false);
  // A prefix wider than the route's is not held by it; IPv4 has no Babel routes here.
  expect((await runner.run(["ip", "-6", "route", "show", "match", `${other.prefix.split("/")[0]}/32`, "proto", "babel"])).stdout).not.toContain(other.prefix);
  expect((await runner.run(["ip", "-4", "route", "show", "match", "10.0.0.1", "proto", "babel"])).stdout).toBe("");
  // A RIP mesh has no Babel routes.
  const rip = new World({ seed: 7, nodes: 6, routing: "rip", startMs: 1_000_000 });
  expect((await new SimulatedRunner(rip, "node-1").run(["ip", "-6", "route", "show", "match", rip.node("node-3").lanAddress, "proto", "babel"])).stdout).toBe("");
});

it("iperf3 to another node needs its server (iperf3 -s -1): one line per second and the sender/receiver summary, the server prints what it received; refused without a server or to itself", async () => {
  const world = new World({ seed: 7, nodes: 6, routing: "babel", startMs: 1_000_000 });
  const runner = new SimulatedRunner(world, "node-1", { diagLineMs: 1 });
  const serverArgv = ["iperf3", "-s", "-1", "-p", "5201", "--idle-timeout", "13", "--forceflush", "-f", "m"];
  const rate = async (target: string) => {
    const heard: string[] = [];
    const server = new SimulatedRunner(world, target, { diagLineMs: 1 }).run(serverArgv, { timeoutMs: 10_000, onOutput: (t) => heard.push(t) });
    await expect.poll(() => heard.join("")).toContain("Server listening on 5201 (test #1)");
    const r = await runner.run(["iperf3", "-c", target, "-p", "5201", "-t", "3", "-f", "m"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n").filter((l) => /^\[  5\] +\d\.00-\d\.00 +sec/.test(l) && !/sender|receiver/.test(l))).toHaveLength(3);
    const s = await server;
    expect(s.exitCode).toBe(0);
    expect(s.stdout).toContain(`Accepted connection from ${world.node("node-1").lanAddress}`);
    // What the server received is the client's receiver line.
    const received = /([\d.]+) Mbits\/sec +receiver/.exec(s.stdout)![1];
    expect(received).toBe(/([\d.]+) Mbits\/sec +receiver/.exec(r.stdout)![1]);
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
  // The one-off server took its client: a second client is refused.
  const again = await runner.run(["iperf3", "-c", direct, "-t", "1"]);
  expect([again.exitCode, again.stderr]).toEqual([1, "iperf3: error - unable to connect to server: Connection refused\n"]);
  expect((await runner.run(["iperf3", "-c", "node-1", "-t", "1"])).exitCode).toBe(1);
  // A server nobody connects to gives up after its idle timeout (here capped by the call's timeout).
  const idle = await new SimulatedRunner(world, direct).run(serverArgv, { timeoutMs: 50 });
  expect([idle.exitCode, idle.stdout.includes("Accepted")]).toEqual([0, false]);
});
