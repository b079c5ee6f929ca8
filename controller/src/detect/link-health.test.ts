import { describe, expect, it } from "vitest";
import { DEFAULT_LINK_HEALTH, linkHealthView, stepLinks, tickLinks, type LinkHealthConfig, type LinksState, type NodeUp } from "./link-health";
import { station } from "../../testing/detect";
import type { LinkEvent, Resolver } from "./types";

const MAC = { r1: "02:00:00:00:00:01", r2: "02:00:00:00:00:02" } as const;
const resolve: Resolver = { mac: (m) => (m === MAC.r1 ? "r1" : m === MAC.r2 ? "r2" : null), address: () => null };
const cfg: LinkHealthConfig = { ...DEFAULT_LINK_HEALTH, toleranceMs: 30_000, recoverMs: 20_000, minSamples: 3 };

/** Both ends report every 10 s with the given signal / expected throughput (null: the peer is not listed). */
function run(state: LinksState, from: number, to: number, sample: (t: number) => { signal: number; tput: number } | null, c = cfg): { t: number; e: LinkEvent }[] {
  const out: { t: number; e: LinkEvent }[] = [];
  // What each node listed in its previous report (the fleet keeps it as the node's mesh peers).
  const listed = (node: string) => Object.values(state).flatMap((l) => Object.values(l.dirs).filter((d) => d.node === node && d.seenTs === d.lastTs).map((d) => d.peer));
  for (let t = from; t <= to; t += 10_000) {
    for (const [node, peer] of [
      ["r1", MAC.r2],
      ["r2", MAC.r1],
    ] as const) {
      const s = sample(t);
      const stations = s ? [station(peer, { plink: "ESTAB", signal: s.signal, tput: s.tput })] : [];
      out.push(...stepLinks(state, stations, listed(node), node, t, resolve, c).map((e) => ({ t, e })));
    }
  }
  return out;
}

describe("link health against the link's own baseline", () => {
  it("stays quiet on a link that always lives at -84 dBm / 35 Mbit/s (an absolute -80 dBm threshold would fire)", () => {
    const st: LinksState = {};
    const evs = run(st, 0, 3600_000, (t) => ({ signal: -84 + ((t / 10_000) % 5) - 2, tput: 35 }));
    expect(evs).toEqual([]);
    const v = linkHealthView(st["link:r1-r2"]!);
    expect(v.health).toBe("ok");
    expect(v.sides.map((s) => [s.node, s.peer, s.samples, s.baselineThroughputMbps])).toEqual([
      ["r1", "r2", 361, 35],
      ["r2", "r1", 361, 35],
    ]);
    expect(v.sides[0]!.baselineSignalDbm).toBeGreaterThan(-84.5);
    expect(v.sides[0]!.baselineSignalDbm).toBeLessThan(-83.5);
  });

  it("opens one link_degraded for the link (both directions) after the tolerance, names both nodes, and recovers with hysteresis", () => {
    const st: LinksState = {};
    // Normal: -70 dBm, 300 Mbit/s for 10 min; then -79 dBm (9 dB under) with 280 Mbit/s from 600 s to 700 s; then back.
    const evs = run(st, 0, 800_000, (t) => (t >= 600_000 && t < 700_000 ? { signal: -79, tput: 280 } : { signal: -70, tput: 300 }));
    expect(evs.map(({ t, e }) => [t, e.code, e.subject, e.node, e.nodes])).toEqual([
      // median of 3 is bad from the 2nd bad sample (610 s); 30 s later.
      [640_000, "link_degraded", "link:r1-r2", "r1", ["r1", "r2"]],
      // good median from 710 s, 20 s later.
      [730_000, "link_recovered", "link:r1-r2", "r1", ["r1", "r2"]],
    ]);
    const d = evs[0]!.e;
    expect(d.code === "link_degraded" && [d.reason, d.sinceTs, d.after.sides.map((s) => [s.node, s.signalDbm, s.baselineSignalDbm])]).toEqual(["signal", 610_000, [["r1", -79, -70], ["r2", -79, -70]]]);
  });

  it("judges expected throughput a fraction of normal, and the absolute floor without any history", () => {
    const st: LinksState = {};
    const evs = run(st, 0, 400_000, (t) => (t >= 200_000 ? { signal: -71, tput: 60 } : { signal: -70, tput: 300 }));
    expect(evs.map(({ t, e }) => [t, e.code, e.code === "link_degraded" ? e.reason : null])).toEqual([[240_000, "link_degraded", "throughput"]]);
    const fresh: LinksState = {};
    const floor = run(fresh, 0, 60_000, () => ({ signal: -91, tput: 4 }));
    expect(floor.map(({ t, e }) => [t, e.code, e.code === "link_degraded" ? e.reason : null])).toEqual([[30_000, "link_degraded", "floor"]]);
  });

  it("learns nothing while degraded, and accepts a lasting change as the new normal after relearnAfterMs", () => {
    const st: LinksState = {};
    const c = { ...cfg, relearnAfterMs: 3600_000 };
    const evs = run(st, 0, 2 * 3600_000, (t) => (t >= 600_000 ? { signal: -80, tput: 300 } : { signal: -70, tput: 300 }), c);
    expect(evs.map(({ t, e }) => [t, e.code, e.code === "link_recovered" ? e.reason : null])).toEqual([
      [640_000, "link_degraded", null],
      [610_000 + 3600_000, "link_recovered", "new_normal"],
    ]);
    expect(linkHealthView(st["link:r1-r2"]!).sides[0]!.baselineSignalDbm).toBe(-80);
  });

  it("keeps the baseline in state that survives JSON (a restarted controller continues with it)", () => {
    const st: LinksState = {};
    run(st, 0, 600_000, () => ({ signal: -75, tput: 200 }));
    const again = JSON.parse(JSON.stringify(st)) as LinksState;
    const evs = run(again, 610_000, 700_000, () => ({ signal: -84, tput: 200 }));
    expect(evs.map(({ t, e }) => [t, e.code])).toEqual([[650_000, "link_degraded"]]);
  });
});

describe("mesh link down", () => {
  const up = (upSince: Record<string, number>, lastTs: number, online = true) => (id: string): NodeUp | null => (id in upSince ? { online, upSince: upSince[id]!, lastTs } : null);

  it("is down after the tolerance while both nodes keep reporting, and up when it returns", () => {
    const st: LinksState = {};
    run(st, 0, 600_000, () => ({ signal: -80, tput: 100 }));
    run(st, 610_000, 610_000, () => null);
    expect(st["link:r1-r2"]!.goneSince).toBe(610_000);
    expect(tickLinks(st, up({ r1: 0, r2: 0 }, 660_000), 665_000, cfg)).toEqual([]);
    const down = tickLinks(st, up({ r1: 0, r2: 0 }, 670_000), 672_000, cfg);
    expect(down.map((e) => [e.code, e.subject, e.nodes, e.code === "mesh_link_down" ? [e.sinceTs, e.before.lastSeenTs] : null])).toEqual([["mesh_link_down", "link:r1-r2", ["r1", "r2"], [610_000, 600_000]]]);
    expect(linkHealthView(st["link:r1-r2"]!)).toMatchObject({ health: "down", since: 610_000 });
    expect(tickLinks(st, up({ r1: 0, r2: 0 }, 700_000), 700_000, cfg)).toEqual([]);
    const back = run(st, 710_000, 710_000, () => ({ signal: -80, tput: 100 }));
    expect(back.map(({ e }) => [e.code, e.subject])).toEqual([["mesh_link_up", "link:r1-r2"]]);
  });

  it("is not down while a node is offline or rebooted (its own alert), nor for a link that was up only briefly", () => {
    const st: LinksState = {};
    run(st, 0, 600_000, () => ({ signal: -80, tput: 100 }));
    run(st, 610_000, 610_000, () => null);
    expect(tickLinks(st, up({ r1: 0, r2: 0 }, 700_000, false), 700_000, cfg)).toEqual([]);
    // r2 came back with a new boot at 650 s: the clock restarts there.
    expect(tickLinks(st, up({ r1: 0, r2: 650_000 }, 700_000), 700_000, cfg)).toEqual([]);
    expect(tickLinks(st, up({ r1: 0, r2: 650_000 }, 710_000), 710_000, cfg).map((e) => e.code)).toEqual(["mesh_link_down"]);
    const brief: LinksState = {};
    run(brief, 0, 120_000, () => ({ signal: -80, tput: 100 }));
    run(brief, 130_000, 130_000, () => null);
    expect(tickLinks(brief, up({ r1: 0, r2: 0 }, 900_000), 900_000, cfg)).toEqual([]);
  });
});

describe("links seen before the peer's hello", () => {
  it("drop the MAC-named state once the MAC resolves to a node", () => {
    const st: LinksState = {};
    stepLinks(st, [station(MAC.r2, { plink: "ESTAB" })], [], "r1", 0, { mac: () => null, address: () => null }, cfg);
    expect(Object.keys(st)).toEqual([`link:${MAC.r2}-r1`]);
    stepLinks(st, [station(MAC.r2, { plink: "ESTAB" })], [MAC.r2], "r1", 10_000, resolve, cfg);
    expect(Object.keys(st)).toEqual(["link:r1-r2"]);
  });
});
