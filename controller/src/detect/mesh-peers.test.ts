import { describe, expect, it } from "vitest";
import { stepMeshPeers, type LinkQualityConfig } from "./mesh-peers";
import { station } from "./testing";
import { noResolver } from "./types";

const P = "02:00:00:00:00:02";
const cfg: LinkQualityConfig = { minSignalDbm: -80, minExpectedThroughputMbps: 10, toleranceMs: 30_000 };

describe("stepMeshPeers", () => {
  it("reports plink established and lost (state change and disappearance)", () => {
    const s0 = stepMeshPeers(null, [station(P, { plink: "OPN_SNT" })], "r1", 0, noResolver, cfg);
    const s1 = stepMeshPeers(s0.state, [station(P, { plink: "ESTAB" }), station("0a:00:00:00:00:01")], "r1", 10_000, noResolver, cfg);
    expect(s1.events.map((e) => [e.code, e.peer, e.before, e.after])).toEqual([["mesh_peer_up", P, { plink: "OPN_SNT" }, { plink: "ESTAB" }]]);
    const s2 = stepMeshPeers(s1.state, [station(P, { plink: "HOLDING" })], "r1", 20_000, noResolver, cfg);
    expect(s2.events.map((e) => [e.code, e.after])).toEqual([["mesh_peer_down", { plink: "HOLDING" }]]);
    const s3 = stepMeshPeers(stepMeshPeers(s2.state, [station(P, { plink: "ESTAB" })], "r1", 30_000, noResolver, cfg).state, [], "r1", 40_000, noResolver, cfg);
    expect(s3.events.map((e) => [e.code, e.subject, e.after])).toEqual([["mesh_peer_down", `peer:r1:${P}`, null]]);
  });

  it("degrades only after the tolerance window of weak readings and recovers on the first good one", () => {
    let st = stepMeshPeers(null, [station(P, { plink: "ESTAB", signal: -60 })], "r1", 0, noResolver, cfg).state;
    const weak = [
      [10_000, -85, 50],
      [20_000, -70, 5],
      [35_000, -86, 50],
    ] as const;
    const seen: string[] = [];
    for (const [t, signal, tput] of weak) {
      const r = stepMeshPeers(st, [station(P, { plink: "ESTAB", signal, tput })], "r1", t, noResolver, cfg);
      st = r.state;
      seen.push(...r.events.map((e) => `${t}:${e.code}`));
    }
    expect(seen).toEqual([]);
    const d = stepMeshPeers(st, [station(P, { plink: "ESTAB", signal: -88, tput: 3 })], "r1", 40_000, noResolver, cfg);
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ code: "link_degraded", sinceTs: 10_000, after: { signalDbm: -88, expectedThroughputMbps: 3 } });
    expect(stepMeshPeers(d.state, [station(P, { plink: "ESTAB", signal: -88, tput: 3 })], "r1", 50_000, noResolver, cfg).events).toEqual([]);
    const ok = stepMeshPeers(d.state, [station(P, { plink: "ESTAB", signal: -60, tput: 80 })], "r1", 60_000, noResolver, cfg);
    expect(ok.events.map((e) => [e.code, e.before, e.after])).toEqual([["link_recovered", { signalDbm: -88, expectedThroughputMbps: 3 }, { signalDbm: -60, expectedThroughputMbps: 80 }]]);
  });
});
