import { describe, expect, it } from "vitest";
import { emptyStations, stepStations, tickStations } from "./stations";
import { station } from "../../testing/detect";

const C = "0a:11:22:33:44:55";

describe("stations", () => {
  it("reports associated, roamed with the gap, and left after the roam window", () => {
    const a = stepStations(emptyStations(), [station(C), station("02:00:00:00:00:09", { plink: "ESTAB" })], "r1", 10_000, 10_000, 30_000);
    expect(a.events).toEqual([{ code: "station_associated", node: "r1", ts: 10_000, subject: `station:${C}`, mac: C, before: null, after: { node: "r1", iface: "wlan0" } }]);
    // r1 no longer sees it at 20 s; r2 sees it at 23.5 s: roamed, gap from r1's last sighting (10 s).
    const gone = stepStations(a.state, [], "r1", 20_000, 20_000, 30_000);
    expect(gone.events).toEqual([]);
    const roam = stepStations(gone.state, [station(C, { iface: "wlan1" })], "r2", 23_500, 23_500, 30_000);
    expect(roam.events).toEqual([
      { code: "station_roamed", node: "r2", ts: 23_500, subject: `station:${C}`, mac: C, gapMs: 13_500, before: { node: "r1", iface: "wlan0", lastSeenTs: 10_000 }, after: { node: "r2", iface: "wlan1" } },
    ]);
    // r2 stops seeing it; nobody else does within the window: left, at the time it went missing.
    const g2 = stepStations(roam.state, [], "r2", 40_000, 40_000, 30_000);
    expect(tickStations(g2.state, 69_999, 30_000).events).toEqual([]);
    const left = tickStations(g2.state, 70_000, 30_000);
    expect(left.events).toEqual([{ code: "station_left", node: "r2", ts: 40_000, subject: `station:${C}`, mac: C, before: { node: "r2", iface: "wlan1", lastSeenTs: 23_500 }, after: null }]);
    expect(left.state.byMac).toEqual({});
    expect(left.state.gone).toEqual([]);
  });

  it("reports a roam with gap 0 when the new node reports first, and no `left` from the old node after", () => {
    const a = stepStations(emptyStations(), [station(C)], "r1", 10_000, 10_000);
    const b = stepStations(a.state, [station(C)], "r2", 15_000, 15_000);
    expect(b.events.map((e) => [e.code, e.code === "station_roamed" ? e.gapMs : null])).toEqual([["station_roamed", 5000]]);
    const c = stepStations(b.state, [], "r1", 20_000, 20_000);
    expect(tickStations(c.state, 100_000).events).toEqual([]);
  });
});
