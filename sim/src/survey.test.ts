import { describe, expect, it } from "vitest";
import { channelUtilisation } from "@meshfleet/agent";
import { inUseChannel, parseSurveyDump } from "@meshfleet/agent/parsers";
import type { SurveyChannel } from "@meshfleet/shared";
import { busyShare } from "./survey";
import { peerViews } from "./views";
import { World } from "./world";

async function survey(w: World, node: string, iface: string): Promise<SurveyChannel> {
  const r = await w.runnerFor(node).run(["iw", "dev", iface, "survey", "dump"]);
  const p = parseSurveyDump(r.stdout);
  if (!p.ok) throw new Error(p.error.message);
  expect(p.skipped).toBe(0);
  expect(p.value.channels).toHaveLength(2);
  return inUseChannel(p.value, iface)!;
}

/** Utilisation of one radio over the next `ms` of world time. */
async function busyOver(w: World, node: string, iface: string, ms: number): Promise<number> {
  const a = await survey(w, node, iface);
  w.advance(ms);
  const b = await survey(w, node, iface);
  return channelUtilisation(a, b)!.busyPct;
}

describe("simulated survey dump", () => {
  it("cumulative counters on the node's channels, read by the real parser; they grow with time", async () => {
    const w = new World({ seed: 5, nodes: 9, routing: "babel", stationsPerNode: 3 });
    w.advance(60_000);
    const n = w.node("node-2");
    const mesh = await survey(w, "node-2", "mesh0");
    expect(mesh.freqMhz).toBe(5000 + 5 * n.meshChannel);
    expect(mesh.noiseDbm).toBeGreaterThanOrEqual(-96);
    expect(mesh.noiseDbm).toBeLessThanOrEqual(-95);
    expect(mesh.activeMs).toBe(60_000 - (n.bootAt - w.startMs) - 3_000);
    w.advance(10_000);
    const next = await survey(w, "node-2", "mesh0");
    expect(next.activeMs! - mesh.activeMs!).toBe(10_000);
    expect(next.busyMs!).toBeGreaterThan(mesh.busyMs!);
    expect((await survey(w, "node-2", "wlan0")).freqMhz).toBe(2407 + 5 * n.apChannel);
  });

  it("a mesh channel is busier where a node has more peers", async () => {
    const w = new World({ seed: 7, nodes: 16, routing: "babel", stationsPerNode: 2 });
    w.advance(60_000);
    const byPeers = w.nodeIds().map((id) => ({ id, peers: peerViews(w, w.node(id)).length }));
    byPeers.sort((a, b) => a.peers - b.peers);
    const few = byPeers[0]!;
    const many = byPeers[byPeers.length - 1]!;
    expect(many.peers - few.peers).toBeGreaterThanOrEqual(2);
    const a = await survey(w, few.id, "mesh0");
    const b = await survey(w, many.id, "mesh0");
    w.advance(30_000);
    const fewBusy = channelUtilisation(a, await survey(w, few.id, "mesh0"))!.busyPct;
    const manyBusy = channelUtilisation(b, await survey(w, many.id, "mesh0"))!.busyPct;
    // Demand 0.04 + 0.07 per peer, busy share 1 - e^-demand, +-2 % jitter per reading.
    const expected = 100 * (busyShare(0.04 + 0.07 * many.peers) - busyShare(0.04 + 0.07 * few.peers));
    expect(expected).toBeGreaterThan(10);
    expect(manyBusy - fewBusy).toBeGreaterThan(expected - 5);
  });

  it("a dense 25-node site with 4 clients per AP, every AP on channel 1, stays at realistic busy levels (no channel over 60 % without interference)", async () => {
    const w = new World({ seed: 7, nodes: 25, routing: "babel", stationsPerNode: 4 });
    let lo = 100;
    let hi = 0;
    for (let round = 0; round < 3; round++) {
      w.advance(5 * 60_000);
      const first = new Map<string, SurveyChannel>();
      for (const id of w.nodeIds()) for (const f of ["mesh0", "wlan0"]) first.set(`${id}/${f}`, await survey(w, id, f));
      w.advance(30_000);
      for (const id of w.nodeIds())
        for (const f of ["mesh0", "wlan0"]) {
          const busy = channelUtilisation(first.get(`${id}/${f}`)!, await survey(w, id, f))!.busyPct;
          lo = Math.min(lo, busy);
          hi = Math.max(hi, busy);
        }
    }
    expect(lo).toBeGreaterThanOrEqual(15);
    expect(hi).toBeLessThanOrEqual(60);
    expect(hi).toBeGreaterThanOrEqual(40);
  });

  it("scripted interference raises busy time and the noise floor for its duration; a reboot resets the counters", async () => {
    const w = new World({ seed: 9, nodes: 7, routing: "rip", stationsPerNode: 2 });
    w.schedule({ type: "interference", atMs: 100_000, node: "node-3", busyPct: 50, noiseDb: 12, overMs: 60_000 }, { type: "rebootNode", atMs: 200_000, node: "node-3", downMs: 20_000 });
    w.advance(70_000);
    const before = await busyOver(w, "node-3", "wlan0", 20_000);
    const quiet = (await survey(w, "node-3", "wlan0")).noiseDbm!;
    w.advance(20_000);
    const during = await busyOver(w, "node-3", "wlan0", 20_000);
    expect(during - before).toBeGreaterThan(40);
    expect((await survey(w, "node-3", "wlan0")).noiseDbm! - quiet).toBeGreaterThanOrEqual(11);
    w.advance(35_000);
    const after = await busyOver(w, "node-3", "wlan0", 5_000);
    expect(Math.abs(after - before)).toBeLessThan(10);
    const old = await survey(w, "node-3", "wlan0");
    w.advance(60_000);
    const rebooted = await survey(w, "node-3", "wlan0");
    expect(rebooted.activeMs!).toBeLessThan(old.activeMs!);
    expect(channelUtilisation(old, rebooted)).toBeNull();
  });
});
