import { describe, expect, it } from "vitest";
import { stepMeshPeers } from "./mesh-peers";
import { station } from "../../testing/detect";
import { noResolver } from "./types";

const P = "02:00:00:00:00:02";

describe("stepMeshPeers", () => {
  it("reports plink established and lost (state change and disappearance)", () => {
    const s0 = stepMeshPeers(null, [station(P, { plink: "OPN_SNT" })], "r1", 0, noResolver);
    const s1 = stepMeshPeers(s0.state, [station(P, { plink: "ESTAB" }), station("0a:00:00:00:00:01")], "r1", 10_000, noResolver);
    expect(s1.events.map((e) => [e.code, e.peer, e.before, e.after])).toEqual([["mesh_peer_up", P, { plink: "OPN_SNT" }, { plink: "ESTAB" }]]);
    const s2 = stepMeshPeers(s1.state, [station(P, { plink: "HOLDING" })], "r1", 20_000, noResolver);
    expect(s2.events.map((e) => [e.code, e.after])).toEqual([["mesh_peer_down", { plink: "HOLDING" }]]);
    const s3 = stepMeshPeers(stepMeshPeers(s2.state, [station(P, { plink: "ESTAB" })], "r1", 30_000, noResolver).state, [], "r1", 40_000, noResolver);
    expect(s3.events.map((e) => [e.code, e.subject, e.after])).toEqual([["mesh_peer_down", `peer:r1:${P}`, null]]);
  });
});
