import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { MeshPath } from "@meshfleet/shared";
import { describePath, stepMeshPaths, type MeshPathsState } from "./mesh-paths";
import { mpath } from "../../testing/detect";
import type { Resolver } from "./types";

/** The seed files' rows (header and comment lines skipped), read column by column as iw prints them. */
function rows(name: string): MeshPath[] {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((l) => /^[0-9a-f]{2}:/.test(l.trim()))
    .map((l) => {
      const [dest, nextHop, iface, sn, metric, qlen, exptime, dtim, dret, flags] = l.trim().split(/\s+/) as string[];
      return { dest: dest!, nextHop: nextHop!, iface: iface!, sn: Number(sn), metric: Number(metric), qlen: Number(qlen), exptime: Number(exptime), dtim: Number(dtim), dret: Number(dret), flags: Number(flags), hopCount: null, pathChange: null };
    });
}

const DEST = "84:16:f9:eb:c9:ae";
const RELAY = "84:c9:b2:54:30:5c";
const macs: Record<string, string> = { [DEST]: "kona", [RELAY]: "kahaluu" };
const resolve: Resolver = { mac: (m) => macs[m] ?? null, address: () => null };

describe("stepMeshPaths", () => {
  it("follows the founding documents' Iao reattach sequence: via a relay, then direct, then direct with a new metric", () => {
    const t0 = 1_600_000_000_000;
    const d1 = stepMeshPaths(null, rows("iao-wlan1-mpath-dump-1-via-relay.txt"), "iao", t0, resolve);
    expect(d1.events).toEqual([]);
    expect(d1.state[DEST]).toEqual({ nextHop: RELAY, nextHopNode: "kahaluu", direct: false, metric: 556, iface: "wlan1" });
    expect(describePath(d1.state[DEST]!)).toBe("via kahaluu");

    const d2 = stepMeshPaths(d1.state, rows("iao-wlan1-mpath-dump-2-direct.txt"), "iao", t0 + 10_000, resolve);
    expect(d2.events).toHaveLength(1);
    expect(d2.events[0]).toEqual({
      code: "mesh_path_changed",
      node: "iao",
      ts: t0 + 10_000,
      subject: `mpath:iao:${DEST}`,
      dest: DEST,
      destNode: "kona",
      before: { nextHop: RELAY, nextHopNode: "kahaluu", direct: false, metric: 556, iface: "wlan1" },
      after: { nextHop: DEST, nextHopNode: "kona", direct: true, metric: 326, iface: "wlan1" },
    });

    const d3 = stepMeshPaths(d2.state, rows("iao-wlan1-mpath-dump-3-direct.txt"), "iao", t0 + 20_000, resolve);
    expect(d3.events).toEqual([]);
    expect(d3.state[DEST]?.metric).toBe(358);
  });

  it("reports relay A -> relay B, path lost, and a bogus next hop (also on the first observation)", () => {
    const s0: MeshPathsState = stepMeshPaths(null, [mpath("02:00:00:00:00:03", "02:00:00:00:00:02"), mpath("02:00:00:00:00:04", "00:00:00:00:00:00")], "r1", 1, resolve).state;
    const first = stepMeshPaths(null, [mpath("02:00:00:00:00:04", "00:00:00:00:00:00")], "r1", 1, resolve);
    expect(first.events.map((e) => e.code)).toEqual(["mesh_path_bogus"]);
    const r = stepMeshPaths(s0, [mpath("02:00:00:00:00:03", "02:00:00:00:00:05"), mpath("02:00:00:00:00:06", "00:00:00:00:00:00")], "r1", 2, resolve);
    expect(r.events.map((e) => [e.code, e.dest, describePath(e.before), describePath(e.after)])).toEqual([
      ["mesh_path_changed", "02:00:00:00:00:03", "via 02:00:00:00:00:02", "via 02:00:00:00:00:05"],
      ["mesh_path_lost", "02:00:00:00:00:04", "bogus next hop 00:00:00:00:00:00", "none"],
      ["mesh_path_bogus", "02:00:00:00:00:06", "none", "bogus next hop 00:00:00:00:00:00"],
    ]);
    // Still bogus: reported once only.
    expect(stepMeshPaths(r.state, [mpath("02:00:00:00:00:03", "02:00:00:00:00:05"), mpath("02:00:00:00:00:06", "00:00:00:00:00:00")], "r1", 3, resolve).events).toEqual([]);
  });
});
